from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from households.models import Enrolment, Household, Member


@admin.register(Household)
class HouseholdAdmin(GuardedModelAdmin):
    """Object permissions (a household shared outside its township) are granted here."""

    list_display = ["dossier_no", "township", "status", "risk_level", "member_count", "completeness", "next_review_on"]
    list_filter = ["status", "risk_level"]
    search_fields = ["dossier_no"]
    list_select_related = ["township"]
    raw_id_fields = ["township", "village", "head"]
    filter_horizontal = ["caseworkers"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "id_number_masked", "household", "relation_to_head", "active"]
    search_fields = ["name", "household__dossier_no"]
    list_select_related = ["household"]
    raw_id_fields = ["household"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["household", "category", "status", "start_on", "end_on", "monthly_amount"]
    list_filter = ["category", "status"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "member"]
from households import review_admin  # noqa: F401 - review models' admin
