# ruff: noqa: RUF012 -- Django/DRF Meta options are declarations read once, not shared mutable state.
"""Township caseworker staffing and funding (S-2.1.1-S-2.1.4): employers, contracts, caseworkers,
appraisals, county transfer payments, and the nightly staffing alerts.

Every row is scoped by a township and the county-level unit that runs it (``county``,
copied from ``township.county`` when saved by the services), except organizations,
which belong to the county that registered them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiuzhu import crypto
from jiuzhu.fields import NameField, PhoneField
from jiuzhu.models import Area, Role
from jiuzhu.scope import scoped

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}

# Who may read staffing records at all (the area scope then decides which rows).
READ_ROLES = frozenset(
    {Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL, Role.CITY_CIVIL, Role.COUNTY_FINANCE, Role.CITY_FINANCE, Role.ADMIN}
)
# Who writes organizations, contracts, caseworker profiles and appraisals.
CIVIL_WRITE_ROLES = frozenset({Role.COUNTY_CIVIL, Role.ADMIN})
# Who records transfer payments.
FINANCE_WRITE_ROLES = frozenset({Role.COUNTY_FINANCE, Role.CITY_FINANCE, Role.ADMIN})
# Who reads transfer payments and funding sheets (township officers see their own township's).
TRANSFER_READ_ROLES = READ_ROLES


class Education(models.TextChoices):
    HIGH_SCHOOL = "high_school", _("High school")
    COLLEGE = "college", _("College (dazhuan)")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")


class Certificate(models.TextChoices):
    NONE = "none", _("None")
    ASSISTANT = "assistant", _("Assistant social worker")
    INTERMEDIATE = "intermediate", _("Social worker")
    SENIOR = "senior", _("Senior social worker")


class CaseworkerStatus(models.TextChoices):
    IN_POST = "in_post", _("In post")
    LEFT = "left", _("Left")
    DISMISSED = "dismissed", _("Dismissed")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_SKIP = ("created_at", "updated_at")

    class Meta:
        abstract = True


# --------------------------------------------------------------------------- organizations


class OrganizationQuerySet(models.QuerySet):
    def in_scope(self, user) -> OrganizationQuerySet:
        """Organizations registered by the user's county (city users: all); townships see none."""
        return scoped(self, user, township=None, county="county", roles=READ_ROLES)


class SocialOrganization(Versioned):
    """An employer of caseworkers: a social organization bought services from (S-2.1.2)."""

    # Their own context: the household's 姓名, 住址 and 建档日期 are not an organization's.
    name = NameField(pgettext_lazy("social organization", "name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    registration_authority = models.CharField(_("registration authority"), max_length=100, blank=True)
    registered_on = models.DateField(pgettext_lazy("social organization", "registered on"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    address = models.CharField(pgettext_lazy("social organization", "address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = PhoneField(_("contact phone"))
    county = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("registered by (county)"))

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------- purchase-of-service contracts


class TownshipQuerySet(models.QuerySet):
    township_path = "township"
    county_path = "county"

    def in_scope(self, user):
        return scoped(self, user, township=self.township_path, county=self.county_path, roles=READ_ROLES)


class ServiceContract(Versioned):
    """A township's purchase of caseworker services from an organization (S-2.1.1)."""

    township = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("buying township"))
    county = models.ForeignKey(Area, models.PROTECT, related_name="+", editable=False)
    organization = models.ForeignKey(
        SocialOrganization, models.PROTECT, related_name="service_contracts", verbose_name=_("organization")
    )
    contract_no = models.CharField(_("contract number"), max_length=50, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    posts = models.PositiveSmallIntegerField(_("posts"), default=1, validators=[MinValueValidator(1)])

    objects = TownshipQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="service_contract_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.contract_no or self.pk}"


# --------------------------------------------------------------------------- caseworkers


class CaseworkerQuerySet(models.QuerySet):
    def in_scope(self, user) -> CaseworkerQuerySet:
        """A caseworker sees only their own profile; others by area (township officers read theirs)."""
        if getattr(user, "is_authenticated", False) and user.role == Role.CASEWORKER and not user.is_superuser:
            return self.filter(user_id=user.pk)
        return scoped(self, user, township="township", county="county", roles=READ_ROLES)

    def in_post(self) -> CaseworkerQuerySet:
        return self.filter(status=CaseworkerStatus.IN_POST)

    def with_related(self) -> CaseworkerQuerySet:
        return self.select_related("user", "township", "county", "organization")


class Caseworker(crypto.EncryptedIdNumberMixin, Versioned):
    """A caseworker's employment profile, linked to their login (S-2.1, R-1..R-6)."""

    AUDIT_MASKED = ("id_number_cipher", "id_number_digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="caseworker_profile", verbose_name=_("user")
    )
    name = NameField(_("name"), max_length=50)
    id_number_cipher = models.TextField(editable=False)
    id_number_digest = models.CharField(max_length=64, editable=False, unique=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    birth_date = models.DateField(_("birth date"))
    hukou_place = models.CharField(_("household registration"), max_length=100, blank=True)
    hukou_in_jiaxing = models.BooleanField(_("household registration in Jiaxing"), default=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    full_time_education = models.BooleanField(_("full-time education"), default=True)
    work_years = models.DecimalField(
        _("work experience (years)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        default=Decimal(0),
    )
    civil_affairs_or_community_experience = models.BooleanField(
        _("civil-affairs or village/community experience"), default=False
    )
    qualification_level = models.CharField(
        _("social-work qualification"), max_length=16, choices=Certificate.choices, default=Certificate.NONE
    )
    qualification_date = models.DateField(_("qualification obtained on"), null=True, blank=True)
    from_household_in_difficulty = models.BooleanField(_("from a household in difficulty"), default=False)
    hire_date = models.DateField(_("hire date"))
    township = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("township post"))
    county = models.ForeignKey(Area, models.PROTECT, related_name="+", editable=False)
    organization = models.ForeignKey(
        SocialOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="caseworkers",
        verbose_name=_("employer"),
    )
    full_time = models.BooleanField(_("full-time"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseworkerStatus.choices, default=CaseworkerStatus.IN_POST, editable=False
    )
    left_on = models.DateField(_("left on"), null=True, blank=True, editable=False)
    dismissed_on = models.DateField(_("dismissed on"), null=True, blank=True, editable=False)

    objects = CaseworkerQuerySet.as_manager()

    class Meta:
        ordering = ["township__code", "name", "id"]
        verbose_name = _("caseworker")
        verbose_name_plural = _("caseworkers")
        indexes = [models.Index(fields=["county", "status"], name="caseworker_county_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def post_end(self):
        """The last day in post (None while in post)."""
        if self.status == CaseworkerStatus.LEFT:
            return self.left_on
        if self.status == CaseworkerStatus.DISMISSED:
            return self.dismissed_on
        return None


class CaseworkerPostQuerySet(models.QuerySet):
    def overlapping(self, start, end) -> CaseworkerPostQuerySet:
        """Posts holding at least one day of [start, end] (both inclusive)."""
        return self.filter(start_on__lte=end).filter(Q(end_on__isnull=True) | Q(end_on__gte=start))


class CaseworkerPost(models.Model):
    """One stretch of a caseworker's time at one township (``end_on`` the last day; None: still held).

    The staffing and funding history reads these rows, never the caseworker's current
    fields, so a transfer or a re-hire does not rewrite earlier years. Rows are added by
    the services (hire, transfer, re-hire) and closed when the caseworker moves or leaves.
    """

    caseworker = models.ForeignKey(Caseworker, models.CASCADE, related_name="posts", verbose_name=_("caseworker"))
    township = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("township post"))
    county = models.ForeignKey(Area, models.PROTECT, related_name="+", editable=False)
    full_time = models.BooleanField(_("full-time"), default=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseworkerPostQuerySet.as_manager()

    class Meta:
        ordering = ["caseworker_id", "start_on", "id"]
        verbose_name = _("caseworker post")
        verbose_name_plural = _("caseworker posts")
        indexes = [models.Index(fields=["county", "start_on"], name="caseworker_post_county_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="caseworker_post_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.caseworker_id} {self.township_id} {self.start_on}"


class CaseworkerStatusChange(models.Model):
    """The status history: one row per change, never edited."""

    caseworker = models.ForeignKey(Caseworker, models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=CaseworkerStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=CaseworkerStatus.choices)
    on = models.DateField(_("on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["caseworker_id", "on", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


# --------------------------------------------------------------------------- employment contracts and appraisals


class CaseworkerChildQuerySet(models.QuerySet):
    def in_scope(self, user):
        if getattr(user, "is_authenticated", False) and user.role == Role.CASEWORKER and not user.is_superuser:
            return self.filter(caseworker__user_id=user.pk)
        return scoped(self, user, township="caseworker__township", county="caseworker__county", roles=READ_ROLES)


class EmploymentContract(Versioned):
    """A caseworker's labour contract with the employing organization (S-2.1.2)."""

    caseworker = models.ForeignKey(Caseworker, models.PROTECT, related_name="contracts", verbose_name=_("caseworker"))
    organization = models.ForeignKey(
        SocialOrganization, models.PROTECT, related_name="employment_contracts", verbose_name=_("employer")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Last day; empty for an open-ended contract."))
    monthly_pay = models.DecimalField(_("monthly pay (yuan)"), **MONEY)
    township_reference_pay = models.DecimalField(_("township contract-worker pay (yuan/month)"), **MONEY)
    social_insurance = models.BooleanField(_("social insurance enrolled"), default=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    objects = CaseworkerChildQuerySet.as_manager()

    class Meta:
        ordering = ["caseworker_id", "-start", "id"]
        verbose_name = _("employment contract")
        verbose_name_plural = _("employment contracts")

    def __str__(self) -> str:
        return f"{self.caseworker} {self.start}"


class CohortBasis(models.TextChoices):
    EMPLOYER = "employer", _("Caseworkers of the same employer")
    COUNTY = "county", _("Caseworkers of the county")


class Appraisal(Versioned):
    """The employer's annual appraisal of a caseworker (S-2.1.3)."""

    caseworker = models.ForeignKey(Caseworker, models.PROTECT, related_name="appraisals", verbose_name=_("caseworker"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2018), MaxValueValidator(2100)])
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    grade = models.CharField(_("grade"), max_length=24, choices=Grade.choices)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True, validators=[MinValueValidator(1)])
    cohort_size = models.PositiveSmallIntegerField(
        _("cohort size"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    cohort_basis = models.CharField(
        _("ranked among"),
        max_length=12,
        choices=CohortBasis.choices,
        blank=True,
        help_text=_("The cohort the county ranks in: the employer's caseworkers or the county's."),
    )
    is_last_place = models.BooleanField(
        _("last place in the cohort"),
        default=False,
        help_text=_(
            "Set from the rank when the rank and the cohort size are given; tick it only when they are not known."
        ),
    )
    reward_given = models.BooleanField(_("reward given"), default=False)

    objects = CaseworkerChildQuerySet.as_manager()

    class Meta:
        ordering = ["caseworker_id", "-year"]
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        constraints = [models.UniqueConstraint(fields=["caseworker", "year"], name="appraisal_one_per_year")]

    def __str__(self) -> str:
        return f"{self.caseworker} {self.year}"


# --------------------------------------------------------------------------- transfer payments


class TransferPayment(Versioned):
    """A county finance transfer to a township for its caseworkers (S-2.1.4)."""

    township = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("township"))
    county = models.ForeignKey(Area, models.PROTECT, related_name="+", editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2018), MaxValueValidator(2100)])
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField(_("paid on"))
    document_no = models.CharField(_("document number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "township__code", "paid_on", "id"]
        verbose_name = _("transfer payment")
        verbose_name_plural = _("transfer payments")
        indexes = [models.Index(fields=["county", "year"], name="transfer_county_year")]

    def __str__(self) -> str:
        return f"{self.township} {self.year} {self.amount}"


# --------------------------------------------------------------------------- nightly alerts


class AlertKind(models.TextChoices):
    NO_CONTRACT = "no_contract", _("No employment contract running")
    CONTRACT_ENDING = "contract_ending", _("Contract ending")
    QUALIFICATION_DUE = "qualification_due", _("Qualification deadline near")
    QUALIFICATION_OVERDUE = "qualification_overdue", _("Qualification overdue")
    APPRAISAL_MISSING = "appraisal_missing", _("Appraisal missing")
    DISMISSAL_DUE = "dismissal_due", _("Dismissal due")


class StaffingAlert(models.Model):
    """One alert per kind, subject and date key: the nightly run may repeat without duplicates."""

    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    caseworker = models.ForeignKey(Caseworker, models.CASCADE, related_name="alerts", verbose_name=_("caseworker"))
    township = models.ForeignKey(Area, models.PROTECT, related_name="+")
    county = models.ForeignKey(Area, models.PROTECT, related_name="+")
    key = models.CharField(_("key"), max_length=40, help_text=_("The date or year the alert is about."))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_on = models.DateField(_("found on"))
    resolved = models.BooleanField(_("resolved"), default=False)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("staffing alert")
        verbose_name_plural = _("staffing alerts")
        constraints = [models.UniqueConstraint(fields=["kind", "caseworker", "key"], name="staffing_alert_once")]


class StaffingAlertRun(models.Model):
    """The nightly run log."""

    today = models.DateField(_("date checked"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("alerts created"), default=0)
    ok = models.BooleanField(_("finished"), default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("staffing alert run")
        verbose_name_plural = _("staffing alert runs")
