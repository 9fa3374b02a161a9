from django.contrib import admin

from caseworkers import models


@admin.register(models.Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "domain", "provider", "area", "active"]  # noqa: RUF012
    list_filter = ["kind", "domain", "active"]  # noqa: RUF012
    search_fields = ["name", "provider"]  # noqa: RUF012
    list_select_related = ["area"]  # noqa: RUF012


for model in (models.VolunteerOrganization, models.Volunteer, models.Training):
    admin.site.register(model)
