"""Web forms of training: typing in an activity in the units and time zone of the person."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Visibility
from apps.training.metrics import MILE
from apps.training.models import Sport


class DurationField(forms.CharField):
    """h:mm:ss, mm:ss or minutes."""

    default_error_messages = {
        "invalid": _("Enter the duration as h:mm:ss, for example 1:05:30, or as minutes."),
    }

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            parts = [float(p) for p in value.split(":")]
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(parts) == 1:
            seconds = parts[0] * 60
        elif len(parts) == 2:
            seconds = parts[0] * 60 + parts[1]
        elif len(parts) == 3:
            seconds = parts[0] * 3600 + parts[1] * 60 + parts[2]
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if any(p < 0 for p in parts) or (len(parts) > 1 and any(p >= 60 for p in parts[1:])):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return round(seconds)


class ManualActivityForm(forms.Form):
    sport = forms.ChoiceField(label=_("Sport"), choices=Sport.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration = DurationField(label=_("Duration"), help_text=_("h:mm:ss"))
    distance = forms.DecimalField(
        label=_("Distance"), required=False, min_value=0, max_digits=8, decimal_places=2
    )
    elevation_gain_m = forms.IntegerField(
        label=_("Climb (m)"), required=False, min_value=0, max_value=20000
    )
    avg_heart_rate = forms.IntegerField(
        label=_("Average heart rate"), required=False, min_value=25, max_value=250
    )
    calories = forms.IntegerField(label=_("Calories"), required=False, min_value=0, max_value=30000)
    perceived_effort = forms.TypedChoiceField(
        label=_("How hard was it?"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(i, str(i)) for i in range(1, 11)],
        help_text=_("1 very easy … 10 maximal"),
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=120)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=Visibility.choices)

    def __init__(self, *args, units: str, timezone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.units, self.tz = units, timezone
        self.fields["distance"].label = (
            _("Distance (mi)") if units == "imperial" else _("Distance (km)")
        )

    def activity_fields(self) -> dict:
        """The form in the service's terms: aware start time, seconds, metres."""
        data = self.cleaned_data
        start = datetime.combine(data["date"], data["time"], tzinfo=ZoneInfo(self.tz))
        distance = data.get("distance")
        fields = {
            "sport": data["sport"],
            "start_time": start,
            "timezone": self.tz,
            "elapsed_s": data["duration"],
            "distance_m": None
            if distance in (None, "")
            else float(distance) * (MILE if self.units == "imperial" else 1000),
            "elevation_gain_m": data.get("elevation_gain_m"),
            "avg_heart_rate": data.get("avg_heart_rate"),
            "calories": data.get("calories"),
            "perceived_effort": data.get("perceived_effort"),
            "title": data.get("title") or "",
            "notes": data.get("notes") or "",
            "visibility": data["visibility"],
        }
        return {k: v for k, v in fields.items() if v is not None}


FORM_FIELD_OF = {"elapsed_s": "duration", "distance_m": "distance", "start_time": "date"}


class ActivityEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=120)
    sport = forms.ChoiceField(label=_("Sport"), choices=Sport.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    perceived_effort = forms.TypedChoiceField(
        label=_("How hard was it?"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(i, str(i)) for i in range(1, 11)],
    )
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=Visibility.choices)


class RouteUploadForm(forms.Form):
    gpx = forms.FileField(
        label=_("GPX file"), widget=forms.ClearableFileInput(attrs={"accept": ".gpx"})
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=120)
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=Visibility.choices, initial=Visibility.ONLY_ME
    )
