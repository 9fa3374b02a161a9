"""Model fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.utils.functional import cached_property

from jiuzhu.phones import MAX_LENGTH, normalize_phone
from jiuzhu.text import normalise_name
from jiuzhu.validators import validate_name, validate_phone

# A note, a reason, a description typed in a form: the form, the API, model validation and
# a CHECK constraint in the database all stop at this many characters.
NOTE_MAX_LENGTH = 2000
LONG_TEXT_MAX_LENGTH = 20000  # a write-up (a case study) may be longer


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


class NameFormField(forms.CharField):
    """The form side of ``NameField``: refuses invisible characters, hands on the normal form."""

    default_validators = [validate_name]

    def clean(self, value):
        value = super().clean(value)
        return normalise_name(value) if value else value


class NameField(models.CharField):
    """A person's or an organisation's name: invisible and direction-control characters are
    refused (form, API, model validation), and every save stores the NFKC normal form."""

    default_validators = [validate_name]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NameFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = normalise_name(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


class TextLengthCheck(models.CheckConstraint):
    """The database's side of a ``BoundedTextField``. Model validation does not run it (a
    query per constraint): the field's own validator says the same, naming the field."""

    def validate(self, model, instance, exclude=None, using=None):
        return


class BoundedTextField(models.TextField):
    """Free text with a length that the form (``maxlength``), the API (DRF reads
    ``max_length``), model validation and the database agree on. The database's is a CHECK
    constraint the field adds to its model's ``Meta.constraints`` (so migrations carry it,
    on PostgreSQL and SQLite alike)."""

    def __init__(self, *args, max_length: int = NOTE_MAX_LENGTH, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, MaxLengthValidator(self.max_length)]

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        if cls._meta.abstract:
            return
        constraint = TextLengthCheck(
            condition=models.Q(**{f"{self.attname}__length__lte": self.max_length}),
            name=f"{cls._meta.db_table}_{self.attname}_max"[:63],
        )
        cls._meta.constraints = [*cls._meta.constraints, constraint]
        # Migrations read a model's constraints only when its Meta declared some.
        cls._meta.original_attrs["constraints"] = cls._meta.constraints


BoundedTextField.register_lookup(Length)
