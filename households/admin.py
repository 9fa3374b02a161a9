from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from households.models import (
    Assessment,
    Document,
    Enrolment,
    ExportJob,
    Household,
    ImportJob,
    Member,
    Survey,
    Verification,
)
from jiuzhu.admin import AuditedAdminMixin, AuditedGrantsAdminMixin


@admin.register(Household)
class HouseholdAdmin(AuditedGrantsAdminMixin, GuardedModelAdmin):
    """Object permissions (a household shared outside its township) are granted here."""

    list_display = ["dossier_no", "township", "status", "risk_level", "member_count", "completeness", "next_review_on"]
    list_filter = ["status", "risk_level"]
    search_fields = ["dossier_no"]
    list_select_related = ["township"]
    raw_id_fields = ["township", "village", "head"]
    filter_horizontal = ["caseworkers"]


@admin.register(Member)
class MemberAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "id_number_masked", "household", "relation_to_head", "active"]
    search_fields = ["name", "household__dossier_no"]
    list_select_related = ["household"]
    raw_id_fields = ["household"]


@admin.register(Enrolment)
class EnrolmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["household", "category", "status", "start_on", "end_on", "monthly_amount"]
    list_filter = ["category", "status"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "member"]


@admin.register(Verification)
class VerificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["household", "verified_on", "source", "per_capita_income", "classification"]
    list_filter = ["source", "classification"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "recorded_by"]


@admin.register(Survey)
class SurveyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["household", "visited_on", "housing", "housing_condition", "household_confirmed"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "recorded_by"]


@admin.register(Assessment)
class AssessmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["household", "assessed_on", "priority"]
    list_filter = ["priority"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "assessed_by"]


@admin.register(Document)
class DocumentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Metadata only: the files are served by the dossier page's scoped download view."""

    list_display = ["household", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "member", "survey", "uploaded_by"]
    exclude = ["file"]


@admin.register(ImportJob)
class ImportJobAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "original_name",
        "status",
        "total_rows",
        "households_created",
        "members_created",
        "created_by",
        "created_at",
    ]
    list_filter = ["status"]
    raw_id_fields = ["created_by", "township"]


@admin.register(ExportJob)
class ExportJobAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["created_by", "area", "status", "done_rows", "total_rows", "created_at", "finished_at"]
    list_filter = ["status"]
    raw_id_fields = ["created_by", "area"]
    exclude = ["file"]  # served only by the download view


from households.review import admin as review_admin  # noqa: E402,F401
