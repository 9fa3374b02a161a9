"""The assistance plan (一户一策): goals per assessed need, actions, reviews; versioned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models.dossier import (
    Assessment,
    AssessmentNeed,
    Household,
    HouseholdChildQuerySet,
    Member,
)
from jiuzhu.fields import BoundedTextField, NameField
from jiuzhu.models import CIVIL_AFFAIRS_ROLES
from jiuzhu.scope import scoped

__all__ = ["ActionKind", "ActionStatus", "Plan", "PlanAction", "PlanGoal", "PlanReview", "PlanStatus"]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    SUPERSEDED = "superseded", _("Superseded")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    """One version of a household's plan. Activating a new version supersedes the active one;
    old versions stay as history."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="plans", verbose_name=_("household"))
    number = models.PositiveSmallIntegerField(_("plan version"), editable=False)
    assessment = models.ForeignKey(Assessment, models.PROTECT, related_name="plans", verbose_name=_("needs assessment"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT, editable=False
    )
    summary = BoundedTextField(_("summary"), blank=True)
    agreed_on = models.DateField(_("household agreed on"), null=True, blank=True)
    agreed_by_name = NameField(_("agreed by"), max_length=50, blank=True)
    activated_on = models.DateField(_("activated on"), null=True, blank=True, editable=False)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    outcome = models.TextField(_("outcome"), blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["household_id", "-number"]  # noqa: RUF012
        verbose_name = _("assistance plan")
        verbose_name_plural = _("assistance plans")
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["household", "number"], name="plan_number_per_household"),
            # One active plan per household, enforced by the database as well as the service.
            models.UniqueConstraint(fields=["household"], condition=Q(status="active"), name="plan_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} v{self.number}"


class PlanGoal(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="goals", verbose_name=_("plan"))
    need = models.ForeignKey(AssessmentNeed, models.PROTECT, related_name="+", verbose_name=_("need"))
    text = models.CharField(_("goal"), max_length=300)

    class Meta:
        ordering = ["plan_id", "id"]  # noqa: RUF012
        constraints = [models.UniqueConstraint(fields=["plan", "need"], name="plan_goal_one_per_need")]  # noqa: RUF012

    def __str__(self) -> str:
        return self.text


class ActionKind(models.TextChoices):
    GOVERNMENT = "government", _("Government resource")
    SOCIAL = "social", _("Social resource")
    VOLUNTEER = "volunteer", _("Volunteer service")
    CASE_WORK = "case_work", _("Case work")
    GROUP_WORK = "group_work", _("Group work")
    COMMUNITY_WORK = "community_work", _("Community work")
    COUNSELLING = "counselling", _("Counselling")
    SKILLS = "skills", _("Skills and employment")
    LIVELIHOOD = "livelihood", _("Livelihood project")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActionQuerySet(models.QuerySet):
    def in_scope(self, user) -> ActionQuerySet:
        return scoped(
            self,
            user,
            township="plan__household__township",
            county="plan__household__county",
            roles=CIVIL_AFFAIRS_ROLES,
        )

    def open(self) -> ActionQuerySet:
        return self.exclude(status__in=[ActionStatus.DONE, ActionStatus.CANCELLED])


class PlanAction(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="actions", verbose_name=_("plan"))
    goal = models.ForeignKey(PlanGoal, models.CASCADE, related_name="actions", verbose_name=_("goal"))
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    description = models.CharField(_("action"), max_length=300)
    member = models.ForeignKey(
        Member, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("responsible"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED, editable=False
    )
    done_on = models.DateField(_("done on"), null=True, blank=True, editable=False)
    # The resource directory lives in caseworkers/, which households must not import:
    # a name for people and the directory id for links.
    resource_name = models.CharField(_("resource used"), max_length=200, blank=True)
    resource_id = models.PositiveIntegerField(_("resource number"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]  # noqa: RUF012
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        indexes = [models.Index(fields=["responsible", "status", "due_on"], name="planaction_resp_due_idx")]  # noqa: RUF012

    def __str__(self) -> str:
        return self.description


class PlanReview(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="reviews", verbose_name=_("plan"))
    reviewed_on = models.DateField(_("reviewed on"))
    # {goal id (string): progress note}: progress per goal, as the review recorded it.
    progress = models.JSONField(_("progress per goal"), default=dict, blank=True)
    summary = BoundedTextField(_("summary"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]  # noqa: RUF012
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
