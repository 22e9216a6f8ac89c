"""Model fields shared by every app."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from apps.core import crypto


class EncryptedField:
    """Marker: the column holds a Fernet token (`rotate_encryption_keys` re-encrypts it)."""


class EncryptedTextField(EncryptedField, models.TextField):
    """A string stored encrypted (tokens, secrets): not searchable, sortable or unique."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))


class EncryptedDecimalField(EncryptedField, models.TextField):
    """A decimal number stored encrypted (see apps.core.crypto); not searchable or sortable."""

    def __init__(self, *args, max_digits: int = 6, decimal_places: int = 1, **kwargs):
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_digits"] = self.max_digits
        kwargs["decimal_places"] = self.decimal_places
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return Decimal(crypto.decrypt(value))

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, Decimal):
            return value or None
        return Decimal(str(value))

    def formfield(self, **kwargs):
        from django import forms

        return forms.DecimalField(
            max_digits=self.max_digits,
            decimal_places=self.decimal_places,
            required=not self.blank,
            label=self.verbose_name.capitalize() if self.verbose_name else None,
            **{k: v for k, v in kwargs.items() if k in ("help_text", "validators")},
        )

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None:
            return None
        quantum = Decimal(1).scaleb(-self.decimal_places)
        return crypto.encrypt(str(value.quantize(quantum)))
