from django import forms
from django.utils.translation import gettext_lazy as _

from apps.partners.models import Environment


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    redirect_uris = forms.CharField(
        label=_("OAuth redirect URLs"),
        max_length=2000,
        help_text=_("One or more http(s) URLs, separated by spaces."),
    )


class EndpointForm(forms.Form):
    url = forms.URLField(label=_("Receiver URL"), max_length=500, assume_scheme="https")
    environment = forms.ChoiceField(
        label=_("Environment"), choices=Environment.choices, initial=Environment.SANDBOX
    )
