"""Admin of the shared core; ``AuditedAdminMixin`` audits every admin's edits."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from jiuzhu import audit
from jiuzhu.models import Area, AuditAction, AuditEvent, PolicyParameters, User

ADMIN_SUMMARY = "admin"


class AuditedAdminMixin:
    """Edits made in the admin reach the audit trail like a service's: who, when, old → new.

    1. ``save_model`` reads the stored row before saving (the form has already changed
       ``obj``), keeping its snapshot and many-to-many ids on the object;
    2. ``save_related`` (after the form's many-to-many fields are saved) writes one
       audit row with every changed field, masked where the model says so;
    3. deletes, one or a selection, write one row per record with its last values.
    The admin runs each save in a transaction: the change and its audit row go together.
    """

    def _auto_now_names(self) -> list[str]:
        return [f.attname for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]

    def _m2m_names(self, form) -> list[str]:
        return [f.name for f in self.model._meta.many_to_many if f.name in form.fields]

    def _m2m_values(self, obj, names: list[str]) -> dict:
        return {name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in names}

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                before = {**audit.snapshot(stored), **self._m2m_values(stored, self._m2m_names(form))}
                for name in self._auto_now_names():
                    before.pop(name, None)
        obj._admin_audit_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(obj, "_admin_audit_before", {})
        after = {**audit.snapshot(obj), **self._m2m_values(obj, self._m2m_names(form))}
        for name in self._auto_now_names():
            after.pop(name, None)  # every save changes it: not a change anyone made
        changes = audit.diff(before, after, getattr(obj, "AUDIT_MASKED", ()))
        if before and not changes:
            return
        audit.record(
            actor=request.user,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            instance=obj,
            changes=changes,
            summary=ADMIN_SUMMARY,
            request=request,
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record_delete(actor=request.user, instance=obj, summary=ADMIN_SUMMARY, request=request)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset: models.QuerySet):
        with transaction.atomic():
            for obj in queryset:
                audit.record_delete(actor=request.user, instance=obj, summary=ADMIN_SUMMARY, request=request)
            super().delete_queryset(request, queryset)


class AuditedGrantsAdminMixin(AuditedAdminMixin):
    """For a django-guardian admin: granting or withdrawing a record's object permissions
    to a user or a group is audited too (the record's row: which holder, codenames before → after)."""

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        from guardian.shortcuts import get_user_perms

        return self._audit_grants(
            request, object_pk, get_user_model(), user_id, get_user_perms, super().obj_perms_manage_user_view
        )

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        from guardian.shortcuts import get_group_perms

        return self._audit_grants(
            request, object_pk, Group, group_id, get_group_perms, super().obj_perms_manage_group_view
        )

    def _audit_grants(self, request, object_pk, holder_model, holder_id, perms_of, view):
        obj = self.model._default_manager.filter(pk=object_pk).first()
        holder = holder_model._default_manager.filter(pk=holder_id).first()
        if request.method != "POST" or obj is None or holder is None:
            return view(request, object_pk, holder_id)
        with transaction.atomic():
            before = sorted(perms_of(holder, obj))
            response = view(request, object_pk, holder_id)
            after = sorted(perms_of(holder, obj))
            if before != after:
                key = f"grant:{holder_model._meta.model_name}:{holder}"
                audit.record(
                    actor=request.user,
                    action=AuditAction.UPDATE,
                    instance=obj,
                    changes={key: [before, after]},
                    summary=ADMIN_SUMMARY,
                    request=request,
                )
        return response


@admin.register(Area)
class AreaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "county", "is_functional_zone", "active"]
    list_filter = ["level", "is_functional_zone", "active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "county"]
    raw_id_fields = ["parent", "city", "county", "township"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "area", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["area"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Role and area"), {"fields": ("role", "area", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and area"), {"fields": ("role", "area")}),)
    raw_id_fields = ["area"]

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                # The hash never reaches the trail: the row says only that it changed.
                audit.record(
                    actor=request.user,
                    action=AuditAction.UPDATE,
                    instance=self.get_object(request, id),
                    changes={"password": [audit.MASK, audit.MASK]},
                    summary=ADMIN_SUMMARY,
                    request=request,
                )
        return response


@admin.register(PolicyParameters)
class PolicyParametersAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["area", "year", "dibao_standard", "low_income_multiple", "caseworker_funding_floor", "updated_at"]
    list_filter = ["year"]
    list_select_related = ["area"]
    search_fields = ["area__name", "area__code"]

    def get_changeform_initial_data(self, request):
        # A new row starts as a copy of the city's row: a county then changes only what it
        # makes stricter (the model's clean() refuses anything weaker).
        initial = PolicyParameters.initial_from_city()
        return {**initial, **super().get_changeform_initial_data(request)}


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the application never changes the audit trail."""

    list_display = ["at", "actor_name", "action", "target_type", "target_id", "household_id", "summary", "ip"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target_id", "summary"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
