from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.experiments import selectors, services
from apps.experiments.models import Assignment, Conversion, Experiment, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ("key", "weight", "position")


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "status", "flag", "traffic_percent", "results_link")
    list_filter = ("status",)
    search_fields = ("key", "name")
    inlines = [VariantInline]

    def get_urls(self):
        return [
            path(
                "<int:experiment_id>/results/",
                self.admin_site.admin_view(self.results_view),
                name="experiments_experiment_results",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("results"))
    def results_link(self, obj):
        url = reverse("admin:experiments_experiment_results", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Results"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.definition_changed(key=obj.key)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.definition_changed(key=form.instance.key)

    def results_view(self, request, experiment_id: int):
        experiment = get_object_or_404(Experiment, pk=experiment_id)
        if not self.has_view_permission(request, experiment):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": experiment,
            "title": _("Results: %(name)s") % {"name": experiment},
            "experiment": experiment,
            "exposures": selectors.exposure_summary(experiment=experiment),
            "metrics": selectors.experiment_results(experiment=experiment),
        }
        return TemplateResponse(request, "admin/experiments/results.html", context)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("experiment", "variant", "user", "anonymous_id", "assigned_at")
    list_filter = ("experiment",)
    raw_id_fields = ("user",)
    list_select_related = ("experiment", "variant", "user")


@admin.register(Conversion)
class ConversionAdmin(admin.ModelAdmin):
    list_display = ("experiment", "variant", "metric", "user", "converted_at")
    list_filter = ("experiment", "metric")
    raw_id_fields = ("user",)
    list_select_related = ("experiment", "variant", "user")
