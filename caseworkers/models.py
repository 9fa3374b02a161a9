"""The four roles' own work: resources and referrals, publicity, services, policy feedback,
volunteers, training and typical cases. Rows owned by a township carry ``township`` and
``county`` (the unit running it) so that the area scope is one indexed comparison."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Household, Member
from jiuzhu.fields import LONG_TEXT_MAX_LENGTH, BoundedTextField, NameField, PhoneField
from jiuzhu.models import CIVIL_AFFAIRS_ROLES, Area, AreaLevel, Role
from jiuzhu.scope import NOTHING, area_q, scoped

HOURS = {"max_digits": 6, "decimal_places": 1, "default": Decimal(0), "validators": [MinValueValidator(Decimal(0))]}


class AreaOwnedQuerySet(models.QuerySet):
    """Rows owned by a township (or by a county when ``township`` is empty)."""

    def in_scope(self, user):
        return scoped(self, user, roles=CIVIL_AFFAIRS_ROLES)


class AreaOwned(models.Model):
    township = models.ForeignKey(
        Area, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("township / street")
    )
    county = models.ForeignKey(
        Area, models.PROTECT, related_name="+", verbose_name=_("county-level unit"), editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaOwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.township_id and not self.county_id:
            self.county_id = self.township.county_id
        super().save(*args, **kwargs)


class Domain(models.TextChoices):
    LIVING = "living", _("Living")
    SCHOOLING = "schooling", _("Schooling")
    EMPLOYMENT = "employment", _("Employment")
    MEDICAL = "medical", _("Medical")
    HOUSING = "housing", _("Housing")
    PSYCHOLOGICAL = "psychological", _("Psychological")


class ResourceKind(models.TextChoices):
    GOVERNMENT = "government", _("Government resource")
    SOCIAL = "social", _("Social resource")


class ResourceQuerySet(models.QuerySet):
    def in_scope(self, user):
        """Resources of the user's area chain: the city, the county and the township above
        the user, and everything below the user's own area."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.filter(NOTHING)
        if user.is_superuser or user.role == Role.ADMIN:
            return self.all()
        area = user.area
        if area is None:
            return self.filter(NOTHING)
        chain = [pk for pk in (area.pk, area.city_id, area.county_id, area.parent_id) if pk]
        condition = Q(area_id__in=chain)
        if area.level == AreaLevel.CITY:
            condition |= Q(area__city_id=area.pk)
        elif area.level == AreaLevel.COUNTY:
            condition |= Q(area__county_id=area.pk)
        return self.filter(condition)


class Resource(models.Model):
    name = NameField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    provider = models.CharField(_("provider"), max_length=200)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area covered"))
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    conditions = BoundedTextField(_("conditions"), blank=True)
    description = BoundedTextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["domain", "name"]  # noqa: RUF012
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class HouseholdOwnedQuerySet(models.QuerySet):
    def in_scope(self, user):
        return scoped(self, user, township="household__township", county="household__county", roles=CIVIL_AFFAIRS_ROLES)


class Referral(models.Model):
    household = models.ForeignKey(Household, models.PROTECT, related_name="referrals", verbose_name=_("household"))
    member = models.ForeignKey(
        Member, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    resource = models.ForeignKey(Resource, models.PROTECT, related_name="referrals", verbose_name=_("resource"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT, editable=False
    )
    sent_on = models.DateField(_("sent on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    failure_reason = models.CharField(_("reason for failure"), max_length=300, blank=True, editable=False)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-id"]  # noqa: RUF012
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["created_by", "status", "follow_up_on"], name="referral_followup_idx")]  # noqa: RUF012


class PublicityForm(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    COMMUNITY_TALK = "community_talk", _("Community talk")
    LEAFLETS = "leaflets", _("Leaflets")
    ONLINE = "online", _("Online")


class VolunteerOrganization(AreaOwned):
    name = NameField(_("name"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]  # noqa: RUF012
        verbose_name = _("volunteer organization")
        verbose_name_plural = _("volunteer organizations")

    def __str__(self) -> str:
        return self.name


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class Volunteer(AreaOwned):
    name = NameField(_("name"), max_length=50)
    organization = models.ForeignKey(
        VolunteerOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name=_("organization"),
    )
    phone = PhoneField(_("phone"))
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    registered_on = models.DateField(_("registered on"))
    registration_no = models.CharField(_("registration number"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    training_hours = models.DecimalField(_("training hours"), **HOURS, editable=False)

    class Meta:
        ordering = ["name", "id"]  # noqa: RUF012
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.name


class PublicityActivity(AreaOwned):
    held_on = models.DateField(_("date"))
    topics = models.CharField(_("policy topics"), max_length=300)
    place = models.CharField(_("place"), max_length=200)
    form = models.CharField(_("form"), max_length=16, choices=PublicityForm.choices)
    households = models.ManyToManyField(Household, blank=True, related_name="+", verbose_name=_("households reached"))
    head_count = models.PositiveIntegerField(_("people reached"), default=0)
    volunteers = models.ManyToManyField(Volunteer, blank=True, related_name="publicity", verbose_name=_("volunteers"))
    notes = BoundedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]  # noqa: RUF012
        verbose_name = _("publicity activity")
        verbose_name_plural = _("publicity activities")

    def __str__(self) -> str:
        return f"{self.held_on} {self.topics}"


class ServiceMethod(models.TextChoices):
    CASE = "case", _("Case work")
    GROUP = "group", _("Group work")
    COMMUNITY = "community", _("Community work")


class ServiceArea(models.TextChoices):
    INTEGRATION = "integration", _("Social integration")
    COUNSELLING = "counselling", _("Counselling")
    CAPACITY = "capacity", _("Capacity building")
    EMPLOYMENT = "employment", _("Employment and business")
    LIVELIHOOD = "livelihood", _("Livelihood")


class ServiceRecord(AreaOwned):
    method = models.CharField(_("method"), max_length=12, choices=ServiceMethod.choices)
    service_area = models.CharField(_("service"), max_length=16, choices=ServiceArea.choices)
    held_on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"), validators=[MinValueValidator(1)])
    households = models.ManyToManyField(Household, related_name="+", verbose_name=_("households"))
    content = BoundedTextField(_("content"))
    outcome = BoundedTextField(_("outcome"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    followed_up = models.BooleanField(_("followed up"), default=False, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]  # noqa: RUF012
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [models.Index(fields=["created_by", "follow_up_on"], name="service_followup_idx")]  # noqa: RUF012

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_method_display()}"


class FeedbackKind(models.TextChoices):
    PROBLEM = "problem", _("Problem")
    GOOD_PRACTICE = "good_practice", _("Good practice")


class FeedbackLevel(models.TextChoices):
    COUNTY = "county", _("County")
    CITY = "city", _("City")


class FeedbackStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")


class PolicyFeedback(AreaOwned):
    kind = models.CharField(_("kind"), max_length=16, choices=FeedbackKind.choices)
    sent_to = models.CharField(_("sent to"), max_length=8, choices=FeedbackLevel.choices, default=FeedbackLevel.COUNTY)
    title = models.CharField(_("title"), max_length=200)
    body = BoundedTextField(_("description"))
    status = models.CharField(
        _("status"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.SENT, editable=False
    )
    response = models.TextField(_("response"), blank=True, editable=False)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    responded_on = models.DateField(_("responded on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]  # noqa: RUF012
        verbose_name = _("policy feedback")
        verbose_name_plural = _("policy feedback")


class VolunteerAssignment(models.Model):
    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="assignments", verbose_name=_("volunteer"))
    household = models.ForeignKey(
        Household, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("household")
    )
    activity = models.ForeignKey(
        PublicityActivity, models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("activity")
    )
    task = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    hours = models.DecimalField(_("hours served"), **HOURS)
    done = models.BooleanField(_("done"), default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class AssignmentQuerySet(models.QuerySet):
        def in_scope(self, user):
            return scoped(
                self, user, township="volunteer__township", county="volunteer__county", roles=CIVIL_AFFAIRS_ROLES
            )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]  # noqa: RUF012
        verbose_name = _("volunteer assignment")
        verbose_name_plural = _("volunteer assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(activity__isnull=False),  # noqa: RUF012
                name="assignment_household_or_activity",
            )
        ]


class TrainingAudience(models.TextChoices):
    CASEWORKERS = "caseworkers", _("Caseworkers")
    VOLUNTEERS = "volunteers", _("Volunteers")


class TrainingTopic(models.TextChoices):
    POLICY = "policy", _("Policy")
    PRACTICE = "practice", _("Social-work practice")


class Training(AreaOwned):
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=12, choices=TrainingAudience.choices)
    topic = models.CharField(_("topic"), max_length=10, choices=TrainingTopic.choices)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    caseworkers_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="trainings", verbose_name=_("caseworkers present")
    )
    volunteers_present = models.ManyToManyField(
        Volunteer, blank=True, related_name="trainings", verbose_name=_("volunteers present")
    )

    class Meta:
        ordering = ["-held_on", "-id"]  # noqa: RUF012
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.title


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class TypicalCaseQuerySet(models.QuerySet):
    def in_scope(self, user):
        """Approved cases are the exchange platform: every signed-in user reads them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        area = area_q(user, roles=CIVIL_AFFAIRS_ROLES)
        if not area:  # unrestricted (administrators): an empty Q must not be OR-ed, Q(x) | Q() is Q(x)
            return self.all()
        return self.filter(Q(status=CaseStatus.APPROVED) | area)


class TypicalCase(AreaOwned):
    title = models.CharField(_("title"), max_length=200)
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    body = BoundedTextField(_("case write-up (anonymised)"), max_length=LONG_TEXT_MAX_LENGTH)
    # The household the case is about, if any: its members' names and its address are
    # refused in the write-up. Never shown with the case.
    household = models.ForeignKey(
        Household, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("household written about")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    review_note = models.CharField(_("review note"), max_length=300, blank=True, editable=False)

    objects = TypicalCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_on", "-id"]  # noqa: RUF012
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")

    def __str__(self) -> str:
        return self.title
