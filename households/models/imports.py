"""Legacy spreadsheet imports: one row per run, polled by the upload page for progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ImportJob", "ImportJobStatus"]


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def import_path(instance: ImportJob, filename: str) -> str:
    import uuid

    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    file = models.FileField(upload_to=import_path)
    original_name = models.CharField(_("file name"), max_length=200)
    township = models.ForeignKey("jiuzhu.Area", models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    households_created = models.PositiveIntegerField(default=0)
    members_created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    @property
    def percent(self) -> int:
        return 100 * self.done_rows // self.total_rows if self.total_rows else 0
