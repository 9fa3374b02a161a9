"""Background jobs of the households app, polled by their pages for progress: legacy
spreadsheet imports and roster exports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ExportJob", "ImportJob", "ImportJobStatus", "ImportStep", "JobStatus"]


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


JobStatus = ImportJobStatus  # the four states every job goes through


class Job(models.Model):
    """What a page shows of a job while it runs: its state and rows done of the total."""

    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ("-created_at", "-id")

    @property
    def percent(self) -> int:
        # Rows added after the count can take the rows written past the total.
        return min(100, 100 * self.done_rows // self.total_rows) if self.total_rows else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def progress(self) -> dict:
        """What the waiting page polls (static/js/jobs.js)."""
        return {
            "status": self.status,
            "status_label": self.get_status_display(),
            "percent": self.percent,
            "done_rows": self.done_rows,
            "total_rows": self.total_rows,
        }


def import_path(instance: ImportJob, filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportStep(models.TextChoices):
    """What a running import is doing. Checking moves row by row; writing is one transaction
    (all or nothing), so no row count moves until it commits: the page says so instead."""

    CHECKING = "checking", _("Checking rows")
    WRITING = "writing", _("Writing all rows in one go: all saved or none")


class ImportJob(Job):
    file = models.FileField(upload_to=import_path)
    step = models.CharField(max_length=8, choices=ImportStep.choices, blank=True, default="")
    original_name = models.CharField(_("file name"), max_length=200)
    township = models.ForeignKey("jiuzhu.Area", models.PROTECT, null=True, blank=True, related_name="+")
    households_created = models.PositiveIntegerField(default=0)
    members_created = models.PositiveIntegerField(default=0)
    # A dry run checks every row and writes nothing: households_created and members_created
    # are then what the import would create.
    dry_run = models.BooleanField(default=False)
    skipped_members = models.PositiveIntegerField(default=0)
    # The first JIUZHU_IMPORT_MAX_ERRORS bad rows as [row, reason]; error_count counts them all.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)

    class Meta(Job.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    @property
    def percent(self) -> int:
        """Checking fills the first half of the bar, row by row; writing stands at the half
        until its one transaction commits; done is the whole bar."""
        if self.status == JobStatus.DONE:
            return 100
        if self.step == ImportStep.WRITING:
            return 50
        return min(50, 50 * self.done_rows // self.total_rows) if self.total_rows else 0

    def progress(self) -> dict:
        running = self.status == JobStatus.RUNNING and self.step
        return {
            **super().progress(),
            "step": self.step if running else "",
            "step_label": str(self.get_step_display()) if running else "",
        }


def export_path(instance: ExportJob, filename: str) -> str:
    # A random name under MEDIA_ROOT, which is never served: the file goes out only
    # through the download view's permission check.
    return f"exports/{uuid.uuid4().hex}.xlsx"


class ExportJob(Job):
    """One roster export: the list's filters it was started with, then its file."""

    area = models.ForeignKey(
        "jiuzhu.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The area of the user who started the export (its scope)."),
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    file = models.FileField(upload_to=export_path, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
