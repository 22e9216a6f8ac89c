"""E-mail backends standing in for a mail server that refuses, and a provider that hiccups."""

import smtplib

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError
from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that answers 550 for every recipient."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, b"5.1.1 no such user") for m in messages}
        )


class FlakyProviderBackend(AnymailTestBackend):
    """django-anymail's test backend whose provider API fails the first call (a 503)."""

    failures_left = 1

    def post_to_esp(self, payload, message):
        if FlakyProviderBackend.failures_left:
            FlakyProviderBackend.failures_left -= 1
            raise AnymailAPIError("503 from the provider")
        return super().post_to_esp(payload, message)
