"""Web forms of accounts: sign-up with the consents, profile, privacy, consent answers."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.accounts import selectors, services
from apps.accounts.models import ConsentKind, HiddenField, PrivacyZone, Profile, Sport


def _consent_label(document):
    title, _body = document.text_in(get_language())
    url = reverse("accounts-consent-document", args=[document.pk])
    if document.mandatory:
        return format_html(
            '{} <a href="{}" target="_blank">{}</a>', _("I agree to the"), url, title
        )
    return format_html('{} <a href="{}" target="_blank">{}</a>', _("Yes, I want"), url, title)


class ConsentFieldsMixin:
    """One checkbox per current document; mandatory ones must be ticked."""

    def add_consent_fields(self, initial: dict[str, bool] | None = None) -> None:
        current = selectors.consent_documents_current()
        # Mandatory first, in the order of ConsentKind (terms, privacy, health data, ...).
        self.consent_documents = {k: current[k] for k in ConsentKind.values if k in current}
        for kind, document in self.consent_documents.items():
            self.fields[f"consent_{kind}"] = forms.BooleanField(
                label=_consent_label(document),
                label_suffix="",
                required=document.mandatory,
                initial=(initial or {}).get(kind, False),
                error_messages={"required": _("You need to agree to this to use Stride.")},
            )

    def consent_decisions(self) -> dict[str, bool]:
        return {
            kind: bool(self.cleaned_data.get(f"consent_{kind}")) for kind in self.consent_documents
        }


class SignupForm(ConsentFieldsMixin, AllauthSignupForm):
    """allauth's sign-up plus the consents (the headless API asks for them after sign-up)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_consent_fields()

    def custom_signup(self, request, user):
        super().custom_signup(request, user)
        services.consent_record(user=user, decisions=self.consent_decisions(), request=request)


class ConsentForm(ConsentFieldsMixin, forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        states = selectors.consent_states(user=user)
        current = {
            s.kind: bool(s.granted and s.granted_version == s.document.version) for s in states
        }
        optional = {s.kind: bool(s.granted) for s in states if not s.document.mandatory}
        self.add_consent_fields(initial={**current, **optional})


class ProfileForm(forms.ModelForm):
    sports = forms.MultipleChoiceField(
        label=_("Sports"),
        choices=Sport.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hidden_fields = forms.MultipleChoiceField(
        label=_("Hide from others"),
        choices=HiddenField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Profile
        fields = list(services.PROFILE_FIELDS)
        widgets = {"target_race_date": forms.DateInput(attrs={"type": "date"})}


class AvatarForm(forms.Form):
    avatar = forms.FileField(label=_("Profile picture"))


class PrivacyZoneForm(forms.ModelForm):
    class Meta:
        model = PrivacyZone
        fields = ["name", "latitude", "longitude", "radius_m"]


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class DataImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Export archive (.zip)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
