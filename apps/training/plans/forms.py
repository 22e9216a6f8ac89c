"""Web forms of plans: enrolling (first day or race day) and moving a session."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class EnrollForm(forms.Form):
    start_date = forms.DateField(
        label=_("First day"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave both empty to start today."),
    )
    race_date = forms.DateField(
        label=_("Or race day"),
        required=False,
        widget=DateInput(),
        help_text=_("The plan is counted back so that its last session is on race day."),
    )


class RescheduleForm(forms.Form):
    date = forms.DateField(label=_("Move to"), widget=DateInput())
