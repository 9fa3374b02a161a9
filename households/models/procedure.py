"""Applications for assistance (辅助申请) and their statutory procedure.

One ``Application`` row carries the state of each step (who and when); every action
also writes an ``ApplicationEvent`` so the dossier shows the full history. Objections
to the public notice are rows of their own. ``WorkdayOverride`` lets the city or a
county correct the national holiday calendar (a local closure, a year the library
does not cover yet).
"""

from __future__ import annotations

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
    Survey,
    Verification,
)
from jiuzhu.fields import BoundedTextField
from jiuzhu.models import Area

__all__ = [
    "OPEN_APPLICATION_STATUSES",
    "Application",
    "ApplicationAction",
    "ApplicationEvent",
    "ApplicationStatus",
    "Objection",
    "WorkdayOverride",
]


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    INVESTIGATING = "investigating", _("Township investigation")
    NOTICE = "notice", _("Public notice")
    UNDER_REVIEW = "under_review", _("Awaiting county decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")


OPEN_APPLICATION_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INVESTIGATING,
    ApplicationStatus.NOTICE,
    ApplicationStatus.UNDER_REVIEW,
)


class ApplicationAction(models.TextChoices):
    CREATE = "create", _("Draft created")
    SUBMIT = "submit", _("Submitted")
    START_INVESTIGATION = "start_investigation", _("Investigation started")
    RECORD_INVESTIGATION = "record_investigation", _("Investigation recorded")
    MARK_URGENT = "mark_urgent", _("Marked urgent")
    START_NOTICE = "start_notice", _("Public notice started")
    RECORD_OBJECTION = "record_objection", _("Objection recorded")
    CLOSE_NOTICE = "close_notice", _("Public notice closed")
    DECIDE = "decide", _("Decided")
    DELIVER = "deliver", _("Notice delivered")


class Application(models.Model):
    household = models.ForeignKey(Household, models.PROTECT, related_name="applications", verbose_name=_("household"))
    category = models.CharField(_("category applied for"), max_length=16, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    helped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("helped by")
    )
    note = BoundedTextField(_("situation stated by the household"), blank=True)
    # Submission
    received_on = models.DateField(_("received on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    # Township investigation
    investigation_started_on = models.DateField(_("investigation started on"), null=True, blank=True)
    investigation_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    survey = models.ForeignKey(
        Survey, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("home-visit survey")
    )
    survey_visited_on = models.DateField(_("home visit on"), null=True, blank=True)
    authorisation_signed_on = models.DateField(_("verification authorisation signed on"), null=True, blank=True)
    verification_requested_on = models.DateField(_("economic verification requested on"), null=True, blank=True)
    verification = models.ForeignKey(
        Verification, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("economic verification")
    )
    verification_received_on = models.DateField(_("economic verification received on"), null=True, blank=True)
    investigation_completed_on = models.DateField(_("investigation completed on"), null=True, blank=True)
    # Democratic review / public notice
    notice_start = models.DateField(_("notice starts"), null=True, blank=True)
    notice_end = models.DateField(_("notice ends"), null=True, blank=True)
    notice_place = models.CharField(_("notice posted at"), max_length=100, blank=True)
    notice_closed_on = models.DateField(_("notice closed on"), null=True, blank=True)
    notice_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Urgent path: help first, complete the steps afterwards
    urgent = models.BooleanField(_("urgent"), default=False)
    urgent_reason = models.CharField(_("why urgent"), max_length=300, blank=True)
    # Decision
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_by_township = models.BooleanField(_("decided by the township on the county's behalf"), default=False)
    approved_category = models.CharField(_("approved category"), max_length=16, choices=Category.choices, blank=True)
    monthly_amount = models.DecimalField(
        _("amount (yuan)"), null=True, blank=True, max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    start_on = models.DateField(_("assistance starts"), null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=50, blank=True)
    reason = BoundedTextField(_("reasons for refusal"), blank=True)
    # One application creates at most one enrolment (unique), even on a double submit.
    enrolment = models.OneToOneField(
        Enrolment, models.PROTECT, null=True, blank=True, related_name="application", verbose_name=_("enrolment")
    )
    # Delivery of the written decision
    delivered_on = models.DateField(_("notice delivered on"), null=True, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    delivery_note = models.CharField(_("how it was delivered"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = (
            "-created_at",
            "-id",
        )
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["status", "received_on"], name="app_status_received_idx")]  # noqa: RUF012

    def __str__(self) -> str:
        return f"{self.household} {self.get_category_display()}"

    @property
    def investigation_complete(self) -> bool:
        return bool(
            (self.survey_id or self.survey_visited_on)
            and self.authorisation_signed_on
            and self.verification_requested_on
            and self.verification_id
            and self.verification_received_on
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATUSES


class ApplicationEvent(models.Model):
    """One step taken on an application: who, when, and the step's own data."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="events")
    action = models.CharField(_("step"), max_length=24, choices=ApplicationAction.choices)
    on = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=16, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ApplicationStatus.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = (
            "at",
            "id",
        )


class Objection(models.Model):
    """An objection raised during the public notice, and how it was resolved."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="objections")
    received_on = models.DateField(_("received on"))
    raised_by = models.CharField(_("raised by"), max_length=50, blank=True, help_text=_("May stay anonymous."))
    content = BoundedTextField(_("objection"))
    resolution = BoundedTextField(_("how it was resolved"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = (
            "received_on",
            "id",
        )
        verbose_name = _("objection")
        verbose_name_plural = _("objections")


class WorkdayOverride(models.Model):
    """A local correction of the national working-day calendar. A row without a county
    applies city-wide; a county's own row wins over the city-wide one. A wrong row is
    withdrawn with a reason (kept, audited), never deleted; only live rows count."""

    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    county = models.ForeignKey(
        Area, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("county-level unit")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True, editable=False)

    AUDIT_SKIP = ("version",)

    class Meta:
        ordering = ("date",)
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["date", "county"], condition=Q(withdrawn_at__isnull=True), name="workday_override_date_county"
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(county__isnull=True, withdrawn_at__isnull=True),
                name="workday_override_date_citywide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.is_workday else '-'}"
