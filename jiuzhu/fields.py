"""Model fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.db import models

from jiuzhu.phones import MAX_LENGTH, normalize_phone
from jiuzhu.validators import validate_phone


class PhoneFormField(forms.CharField):
    """The form side: refuses a wrong number with the reason, hands on the normal form."""

    default_validators = [validate_phone]

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class PhoneField(models.CharField):
    """A phone number, validated and stored in one normal form (see ``jiuzhu.phones``).

    Forms (``PhoneFormField``) and the API validate through the field's validator; every save (forms, API,
    admin, services) stores the normal form, so lists, search and masking see one shape.
    """

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value

    def formfield(self, **kwargs):
        # Forms that save through a service skip the model's validation: validate here too.
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = normalize_phone(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value
