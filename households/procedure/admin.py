"""Admin for the working-day overrides (local calendar corrections) and a read-only view of
applications. Import this module from households/admin.py (one line, at merge)."""

from __future__ import annotations

from django.contrib import admin

from households.models import Application, WorkdayOverride
from jiuzhu.admin import AuditedAdminMixin


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "is_workday", "county", "note")
    list_filter = ("is_workday", "county")
    date_hierarchy = "date"
    readonly_fields = ("withdrawn_at", "withdrawn_by", "withdrawal_reason")

    def has_delete_permission(self, request, obj=None):
        # A wrong override is withdrawn with a reason on the calendar pages, never deleted.
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the procedure's services (audited, in order)."""

    list_display = ("household", "category", "status", "received_on", "urgent", "decided_on")
    list_filter = ("status", "category", "urgent")
    list_select_related = ("household",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
