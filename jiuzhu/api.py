"""API conventions shared by every app: pagination, errors, scope and role permissions."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, permissions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from jiuzhu import audit
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditAction
from jiuzhu.pagination import IdsFirstPaginator


class Pagination(pagination.PageNumberPagination):
    """Page numbers; a list that joins related rows is paged on its ids (jiuzhu.pagination)."""

    django_paginator_class = IdsFirstPaginator
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Errors as JSON with a Chinese message per field; rule violations are 400s."""
    if isinstance(exc, RuleViolation):
        exc = exceptions.ValidationError(exc.as_dict())
    elif isinstance(exc, Http404):
        # Django's message names the model in English; say only "not found", in Chinese.
        exc = exceptions.NotFound()
    elif isinstance(exc, exceptions.ParseError) and exc.get_codes() != "json_too_deep":  # jiuzhu.parsers: Chinese
        # DRF's message quotes the parser's English: say it in Chinese.
        exc = exceptions.ParseError(
            _("The request body is not well-formed JSON.")
            if str(exc.detail).startswith("JSON parse error")
            else _("The request body could not be read.")
        )
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.PermissionDenied) and context.get("request") is not None:
        request = context["request"]
        audit.record(
            actor=request.user,
            action=AuditAction.DENIED,
            request=request,
            summary=f"{request.method} {request.path}"[:300],
        )
    return response


class RolePermission(permissions.BasePermission):
    """Roles allowed to read and to write, from the view's ``read_roles``/``write_roles``.

    Reads default to every authenticated user (the queryset scope then decides what
    they see); writes must be granted explicitly.
    """

    message = _("Your role may not do this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_superuser:
            return True
        if request.method in permissions.SAFE_METHODS:
            roles = getattr(view, "read_roles", None)
        else:
            roles = getattr(view, f"{getattr(view, 'action', '')}_roles", None) or getattr(view, "write_roles", ())
        return roles is None or user.role in roles


class ScopedViewSetMixin:
    """Every object the viewset reaches comes through ``scoped_queryset``: a record
    outside the user's area is simply not found (404), on lists and on fetch by id.
    A viewset using it defines ``scoped_queryset(user)``."""

    permission_classes = [permissions.IsAuthenticated, RolePermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no user: the scope of an anonymous user is empty.
            return self.scoped_queryset(AnonymousUser())
        return self.scoped_queryset(self.request.user)


class VersionedSerializerMixin(serializers.Serializer):
    """Optimistic locking: a client sends back the ``version`` it read; a stale one is refused.

    An update (PUT or PATCH) without ``version`` is refused too (400 under ``version``): it
    would overwrite whatever someone else saved in between. A creation needs none."""

    version = serializers.IntegerField(required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = getattr(self, "instance", None)
        sent = attrs.pop("version", None)
        if instance is not None and sent is None:
            raise exceptions.ValidationError(
                {"version": [_('Send the version of the record you read (its "version" field) with your change.')]}
            )
        if instance is not None and sent != instance.version:
            raise exceptions.ValidationError(
                {
                    "version": [
                        _("Someone else saved this record after you opened it. Reload it and make your change again.")
                    ]
                }
            )
        return attrs


def serializer_for_form(form_class, name: str) -> type[serializers.Serializer]:
    """The request body of an API step whose input a Django form validates, for the schema.

    The form stays the one validation (pages and API share it); this serializer only
    documents its fields, built from them so the two cannot drift apart. A model choice
    is its id.
    """
    fields: dict[str, serializers.Field] = {}
    for field_name, field in form_class.base_fields.items():
        common = {"required": field.required, "help_text": str(field.label or "")}
        if isinstance(field, forms.ModelChoiceField):
            fields[field_name] = serializers.IntegerField(**common)
        elif isinstance(field, forms.BooleanField):
            fields[field_name] = serializers.BooleanField(required=False, help_text=common["help_text"])
        elif isinstance(field, forms.DateField):
            fields[field_name] = serializers.DateField(**common)
        elif isinstance(field, forms.DecimalField):
            fields[field_name] = serializers.DecimalField(max_digits=12, decimal_places=2, **common)
        elif isinstance(field, forms.IntegerField):
            fields[field_name] = serializers.IntegerField(**common)
        elif isinstance(field, forms.ChoiceField):
            fields[field_name] = serializers.ChoiceField(choices=[c for c in field.choices if c[0] != ""], **common)
        else:
            fields[field_name] = serializers.CharField(
                max_length=getattr(field, "max_length", None), allow_blank=not field.required, **common
            )
    return type(name, (serializers.Serializer,), fields)
