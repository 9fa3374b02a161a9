from django.contrib import admin

from caseworkers import models


@admin.register(models.Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "domain", "provider", "area", "active"]
    list_filter = ["kind", "domain", "active"]
    search_fields = ["name", "provider"]
    list_select_related = ["area"]


for model in (models.VolunteerOrganization, models.Volunteer, models.Training):
    admin.site.register(model)
