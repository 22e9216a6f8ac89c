"""allauth hooks: the only place accounts bends allauth to Stride."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        language = getattr(request, "LANGUAGE_CODE", "") if request else ""
        if language and not user.language:
            user.language = language
        if commit:
            user.save()
        return user
