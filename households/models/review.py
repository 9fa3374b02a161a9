"""Dynamic review (应保尽保、应退尽退): change reports, review tasks, review records, run log."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models.dossier import (
    Category,
    Enrolment,
    Household,
    HouseholdChildQuerySet,
    Verification,
)
from households.rules import gradual_exit_until
from jiuzhu.fields import BoundedTextField

__all__ = [
    "OPEN_REVIEW_STATUSES",
    "OUTCOMES_NEEDING_CONFIRMATION",
    "ChangeKind",
    "ChangeReport",
    "RecordDecision",
    "ReviewOutcome",
    "ReviewReason",
    "ReviewRecord",
    "ReviewRun",
    "ReviewStatus",
    "ReviewTask",
    "RunStatus",
]


class ChangeKind(models.TextChoices):
    INCOME = "income", _("Income")
    MEMBERS = "members", _("Household members")
    JOB = "job", _("Job")
    ILLNESS = "illness", _("Illness")
    PROPERTY = "property", _("Property")
    MOVING = "moving", _("Moving")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other")


class ChangeReport(models.Model):
    """A change in a household reported by a caseworker (informant role); it puts the
    household on the review list at once (``review_services.change_report_create``)."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="change_reports", verbose_name=_("household"))
    kind = models.CharField(_("kind of change"), max_length=12, choices=ChangeKind.choices)
    date = models.DateField(_("date of the change"))
    source = models.CharField(
        _("source"), max_length=100, help_text=_("Who or what told us (the household, a neighbour, a data comparison).")
    )
    description = BoundedTextField(_("description"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]  # noqa: RUF012 - Django Meta
        verbose_name = _("change report")
        verbose_name_plural = _("change reports")

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_kind_display()} {self.date}"


class ReviewReason(models.TextChoices):
    DUE = "due", _("Review due")
    OVERDUE = "overdue", _("Review overdue")
    EXIT_CANDIDATE = "exit_candidate", _("Income above the line (exit candidate)")
    INCLUSION_CANDIDATE = "inclusion_candidate", _("Income within a category (inclusion candidate)")
    CATEGORY_CHANGE = "category_change", _("Income equals the standard (category change)")
    CHANGE_REPORT = "change_report", _("Change reported")
    VERIFICATION_EXPIRED = "verification_expired", _("Verification expired")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RECORDED = "recorded", _("Recorded, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CLOSED = "closed", _("Closed")


OPEN_REVIEW_STATUSES = (ReviewStatus.OPEN, ReviewStatus.RECORDED)


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", _("Keep as is")
    ADJUST_AMOUNT = "adjust_amount", _("Adjust the amount")
    EXIT = "exit", _("Exit")
    ENROL_OTHER = "enrol_other", _("Enrol in another category")
    REFER = "refer", _("Refer")


class ReviewTask(models.Model):
    """One reason to review one household. At most one unfinished task per household and
    reason (a partial unique index), which makes the nightly pass idempotent: its inserts
    are ``ON CONFLICT DO NOTHING``."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="review_tasks", verbose_name=_("household"))
    reason = models.CharField(_("reason"), max_length=24, choices=ReviewReason.choices)
    created_on = models.DateField(_("created on"))
    due_on = models.DateField(_("due on"))
    # Indexed by review_assignee_idx (its first column).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_tasks",
        verbose_name=_("caseworker"),
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    # What the pass saw, so the caseworker sees why (and the rule can be re-run on it).
    verification = models.ForeignKey(
        Verification,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verification"),
        db_index=False,
    )
    per_capita_income = models.DecimalField(
        _("per-capita income (yuan/month)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    line = models.DecimalField(
        _("line compared with (yuan/month)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    suggested_category = models.CharField(_("suggested category"), max_length=16, choices=Category.choices, blank=True)
    # What the change report suggests the caseworker decide (a death: exit), from the rules.
    # A database default too: the nightly pass inserts tasks in SQL without this column.
    suggested_outcome = models.CharField(
        _("suggested outcome"), max_length=16, choices=ReviewOutcome.choices, blank=True, default="", db_default=""
    )
    income_rose_from_work = models.BooleanField(_("income rose from work"), default=False)
    gradual_exit_months = models.PositiveSmallIntegerField(_("gradual exit period (months)"), null=True, blank=True)
    change_report = models.ForeignKey(
        ChangeReport,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change report"),
        db_index=False,
    )
    run = models.ForeignKey("households.ReviewRun", models.SET_NULL, null=True, blank=True, related_name="tasks")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]  # noqa: RUF012 - Django Meta
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")
        constraints = [  # noqa: RUF012 - Django Meta
            models.UniqueConstraint(
                fields=["household", "reason"],
                condition=Q(status__in=["open", "recorded"]),
                name="review_one_open_per_reason",
            ),
        ]
        indexes = [  # noqa: RUF012 - Django Meta
            models.Index(fields=["assigned_to", "status", "due_on"], name="review_assignee_idx"),
            models.Index(fields=["status", "due_on"], name="review_status_due_idx"),
            # Only the rows that have one: every index an UPDATE must add an entry to costs
            # (the nightly escalation updates ~every open task after a gap); a lookup by id
            # (ON DELETE SET NULL) implies NOT NULL, so these serve it.
            models.Index(
                fields=["verification"], condition=Q(verification__isnull=False), name="review_verification_idx"
            ),
            models.Index(
                fields=["change_report"], condition=Q(change_report__isnull=False), name="review_change_report_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_reason_display()}"

    @property
    def gradual_exit_until(self):
        """Last day of the gradual-exit period, counted from the verification (the rule's ``rose_on``)."""
        if not (self.income_rose_from_work and self.gradual_exit_months and self.verification_id):
            return None
        return gradual_exit_until(rose_on=self.verification.verified_on, months=self.gradual_exit_months)


# Decisions that change an enrolment go to the township officer.
OUTCOMES_NEEDING_CONFIRMATION = (ReviewOutcome.ADJUST_AMOUNT, ReviewOutcome.EXIT, ReviewOutcome.ENROL_OTHER)


class RecordDecision(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No confirmation needed")
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Sent back")


class ReviewRecord(models.Model):
    """The caseworker's review of a task and, where needed, the township officer's decision."""

    task = models.ForeignKey(ReviewTask, models.PROTECT, related_name="records", verbose_name=_("review task"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="review_records", verbose_name=_("household"))
    visited_on = models.DateField(_("visited on"))
    verification = models.ForeignKey(
        Verification, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("new verification")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReviewOutcome.choices)
    enrolment = models.ForeignKey(
        Enrolment, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("enrolment concerned")
    )
    exit_reason = models.CharField(_("exit reason"), max_length=300, blank=True)
    proposed_category = models.CharField(_("proposed category"), max_length=16, choices=Category.choices, blank=True)
    proposed_amount = models.DecimalField(
        _("proposed monthly amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    gradual_exit_until = models.DateField(_("gradual exit until"), null=True, blank=True)
    note = BoundedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=12, choices=RecordDecision.choices, default=RecordDecision.NOT_NEEDED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]  # noqa: RUF012 - Django Meta
        verbose_name = _("review record")
        verbose_name_plural = _("review records")
        indexes = [models.Index(fields=["decision"], name="review_record_decision_idx")]  # noqa: RUF012 - Django Meta


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ReviewRun(models.Model):
    """The log of one nightly pass."""

    run_on = models.DateField(_("run date"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    counts = models.JSONField(_("new tasks per reason"), default=dict, blank=True)
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]  # noqa: RUF012 - Django Meta
        verbose_name = _("review run")
        verbose_name_plural = _("review runs")

    def __str__(self) -> str:
        return f"{self.run_on} {self.get_status_display()}"

    # The label of each step counted (a reason, or one of the steps that open no task of its own).
    STEP_LABELS = {
        **dict(ReviewReason.choices),
        "due": _("Due or overdue"),
        "escalated": _("Escalated"),  # noqa: RUF012
        "gradual_exit_ended": _("Gradual exits ended"),
    }

    def count_items(self) -> list[tuple[str, int]]:
        """The counts with their labels, for the run log page."""
        return [(str(self.STEP_LABELS.get(name, name)), count) for name, count in (self.counts or {}).items()]

    @property
    def total(self) -> int:
        """New tasks created (escalations and ended gradual exits are not new tasks)."""
        return sum(
            v
            for k, v in (self.counts or {}).items()
            if k not in ("escalated", "gradual_exit_ended") and isinstance(v, int)
        )
