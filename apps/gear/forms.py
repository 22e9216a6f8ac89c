from django import forms
from django.utils.translation import gettext_lazy as _

from apps.gear.models import Category
from apps.training.models import Sport


class GearForm(forms.Form):
    custom_name = forms.CharField(label=_("Name"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    nickname = forms.CharField(label=_("Nickname"), max_length=60, required=False)
    purchase_date = forms.DateField(
        label=_("Purchase date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_km = forms.FloatField(label=_("Kilometres before Stride"), min_value=0, initial=0)
    lifespan_km = forms.IntegerField(label=_("Lifespan (km)"), min_value=1, required=False)
    lifespan_hours = forms.IntegerField(label=_("Lifespan (hours)"), min_value=1, required=False)
    default_for = forms.MultipleChoiceField(
        label=_("Default for"),
        choices=Sport.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
