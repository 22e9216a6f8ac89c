from django import forms
from django.utils.translation import gettext_lazy as _

from apps.groups.models import Comment, EventRSVP, Group, Privacy, Report


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=Comment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mention someone with @ and their name."),
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Group.MAX_NAME)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    privacy = forms.ChoiceField(label=_("Who can join"), choices=Privacy.choices)


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    route = forms.IntegerField(
        label=_("Planned route (number)"),
        required=False,
        min_value=1,
        help_text=_("One of your routes or a public one."),
    )


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(choices=EventRSVP.Answer.choices)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Report.Reason.choices)
    details = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why the decision is wrong"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
