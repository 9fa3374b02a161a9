from django.contrib import admin

from caseworkers import models
from jiuzhu.admin import AuditedAdminMixin


@admin.register(models.Resource)
class ResourceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "domain", "provider", "area", "active"]  # noqa: RUF012
    list_filter = ["kind", "domain", "active"]  # noqa: RUF012
    search_fields = ["name", "provider"]  # noqa: RUF012
    list_select_related = ["area"]  # noqa: RUF012


class AuditedAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Volunteers' names and phones are personal data: their edits are audited too."""


for model in (models.VolunteerOrganization, models.Volunteer, models.Training):
    admin.site.register(model, AuditedAdmin)
