"""Admin of the dynamic review: the run log (read-only), tasks and change reports."""

from django.contrib import admin

from households.models import ChangeReport, ReviewRecord, ReviewRun, ReviewTask
from jiuzhu.admin import AuditedAdminMixin


@admin.register(ReviewRun)
class ReviewRunAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("run_on", "status", "started_at", "finished_at", "counts", "errors")
    list_filter = ("status",)
    date_hierarchy = "run_on"

    # The log is written by the pass only.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReviewTask)
class ReviewTaskAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("household", "reason", "status", "due_on", "assigned_to", "escalated_on")
    list_filter = ("reason", "status")
    list_select_related = ("household", "assigned_to")
    raw_id_fields = ("household", "assigned_to", "verification", "change_report", "run")
    search_fields = ("household__dossier_no",)


@admin.register(ReviewRecord)
class ReviewRecordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("household", "outcome", "decision", "visited_on", "recorded_by", "decided_by")
    list_filter = ("outcome", "decision")
    list_select_related = ("household", "recorded_by", "decided_by")
    raw_id_fields = ("task", "household", "verification", "enrolment", "recorded_by", "decided_by")


@admin.register(ChangeReport)
class ChangeReportAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("household", "kind", "date", "reported_by")
    list_filter = ("kind",)
    list_select_related = ("household", "reported_by")
    raw_id_fields = ("household", "reported_by")
