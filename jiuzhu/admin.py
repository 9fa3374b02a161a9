from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from jiuzhu.models import Area, AuditEvent, PolicyParameters, User


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "county", "is_functional_zone", "active"]
    list_filter = ["level", "is_functional_zone", "active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "county"]
    raw_id_fields = ["parent", "city", "county", "township"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "area", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["area"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Role and area"), {"fields": ("role", "area", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and area"), {"fields": ("role", "area")}),)
    raw_id_fields = ["area"]


@admin.register(PolicyParameters)
class PolicyParametersAdmin(admin.ModelAdmin):
    list_display = ["area", "year", "dibao_standard", "low_income_multiple", "caseworker_funding_floor", "updated_at"]
    list_filter = ["year"]
    list_select_related = ["area"]
    search_fields = ["area__name", "area__code"]


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
