"""Household, members, enrolments, verifications, surveys, assessments, documents."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from households.rules import codes
from jiuzhu import crypto
from jiuzhu.fields import BoundedTextField, NameField, PhoneField
from jiuzhu.models import CIVIL_AFFAIRS_ROLES, Area
from jiuzhu.scope import scoped

__all__ = [
    "Assessment",
    "AssessmentNeed",
    "Category",
    "DisabilityKind",
    "Document",
    "DocumentKind",
    "DossierSequence",
    "Employment",
    "Enrolment",
    "EnrolmentStatus",
    "EnrolmentStatusChange",
    "Health",
    "Household",
    "HouseholdChildQuerySet",
    "HouseholdGroupObjectPermission",
    "HouseholdQuerySet",
    "HouseholdStatus",
    "HouseholdUserObjectPermission",
    "Housing",
    "HousingCondition",
    "LabourAbility",
    "LeaveReason",
    "Member",
    "MemberMove",
    "NeedDomain",
    "NeedLevel",
    "Priority",
    "Relation",
    "RiskLevel",
    "SchoolStage",
    "Sex",
    "Survey",
    "SurveyMemberCheck",
    "Verification",
    "VerificationSource",
    "granted_household_ids",
]

MONEY = {
    "max_digits": 12,
    "decimal_places": 2,
    "default": Decimal("0.00"),
    "validators": [MinValueValidator(Decimal(0))],
}


class HouseholdStatus(models.TextChoices):
    PENDING = codes.HouseholdStatus.PENDING.value, _("To be verified")
    ACTIVE = codes.HouseholdStatus.ACTIVE.value, _("On register")
    EXITED = codes.HouseholdStatus.EXITED.value, _("Exited")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


def granted_household_ids(user) -> list[int]:
    """Households shared with the user by a guardian grant, to the user or to one of their
    groups: one query (a UNION of the two grant tables) per user object (a request),
    remembered on it, since a page may scope several querysets."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_granted_household_ids", None)
    if cached is None:
        to_user = HouseholdUserObjectPermission.objects.filter(
            user_id=user.pk, permission__codename="view_household"
        ).values_list("content_object_id", flat=True)
        to_groups = HouseholdGroupObjectPermission.objects.filter(
            group__user=user.pk, permission__codename="view_household"
        ).values_list("content_object_id", flat=True)
        cached = sorted(set(to_user.union(to_groups)))
        user._granted_household_ids = cached
    return cached


class HouseholdQuerySet(models.QuerySet):
    def in_scope(self, user) -> HouseholdQuerySet:
        """Households in the user's area, plus those shared with them by a guardian grant."""
        return scoped(self, user, roles=CIVIL_AFFAIRS_ROLES, granted=granted_household_ids(user))

    def with_list_related(self) -> HouseholdQuerySet:
        return self.select_related("township", "county", "village", "head")


class Household(models.Model):
    # Kept by the services from other rows: left out of the audit trail as a page shows it.
    AUDIT_HIDDEN = ("missing_items", "member_count", "latest_assessment_id")

    dossier_no = models.CharField(_("dossier number"), max_length=20, unique=True, editable=False)
    township = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("township / street"))
    # The county-level unit that runs the township (may be a functional zone): kept on
    # the row so that county scope and dashboards need no join.
    county = models.ForeignKey(
        Area, models.PROTECT, related_name="+", verbose_name=_("county-level unit"), editable=False
    )
    village = models.ForeignKey(
        Area, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village / community")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = PhoneField(_("phone"))
    head = models.ForeignKey(
        "households.Member",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of household"),
    )
    caseworkers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_households", verbose_name=_("caseworkers")
    )
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(
        _("status"), max_length=16, choices=HouseholdStatus.choices, default=HouseholdStatus.PENDING
    )
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW)
    income_stable = models.BooleanField(_("income stable"), default=True)
    last_visit_on = models.DateField(_("last home visit"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    completeness = models.PositiveSmallIntegerField(
        _("dossier completeness (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # The requirements the file lacks, as a bitmask of ``rules.MISSING_BITS`` (stored data:
    # those bit numbers never change), refreshed with ``completeness``; the dashboards
    # count households missing each item in one GROUP BY.
    missing_items = models.PositiveIntegerField(_("missing dossier items"), default=0, editable=False)
    # The household's latest needs assessment (latest assessed_on, then id), kept by
    # ``services.assessment_record`` so the needs dashboard joins it instead of searching
    # each household's assessments.
    latest_assessment = models.ForeignKey(
        "households.Assessment",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("latest needs assessment"),
    )
    member_count = models.PositiveSmallIntegerField(_("members"), default=0, editable=False)
    notes = BoundedTextField(_("notes"), blank=True)
    # The household key of a legacy spreadsheet (户编号), so re-importing a file finds the
    # households it created instead of making duplicates; unique within a township.
    legacy_key = models.CharField(_("legacy household key"), max_length=50, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["dossier_no"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            # Township + status, in list order, with the id: the list filtered by status pages
            # on it in order, and its count (with the category semi-join) reads only the index.
            models.Index(fields=["township", "status", "dossier_no"], include=["id"], name="hh_township_status_no_idx"),
            models.Index(fields=["county", "status"], name="hh_county_status_idx"),
            models.Index(fields=["township", "dossier_no"], name="hh_township_dossier_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "legacy_key"], condition=~Q(legacy_key=""), name="household_legacy_key_per_township"
            ),
        ]

    def __str__(self) -> str:
        return self.dossier_no

    def save(self, *args, **kwargs) -> None:
        if self.township_id and not self.county_id:
            self.county_id = self.township.county_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("households:detail", args=[self.pk])


class DossierSequence(models.Model):
    """The last dossier number issued per township; numbers are never reused."""

    township = models.OneToOneField(Area, models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)


class HouseholdUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key guardian grant (fast: no generic key scan)."""

    content_object = models.ForeignKey(Household, models.CASCADE)


class HouseholdGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Household, models.CASCADE)


class HouseholdChildQuerySet(models.QuerySet):
    """Records that belong to a household share its scope and its guardian grants."""

    def in_scope(self, user) -> HouseholdChildQuerySet:
        return scoped(
            self,
            user,
            township="household__township",
            county="household__county",
            roles=CIVIL_AFFAIRS_ROLES,
            granted=granted_household_ids(user),
            granted_field="household_id",
        )


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class LabourAbility(models.TextChoices):
    FULL = "full", _("Full")
    PARTIAL = "partial", _("Partial")
    NONE = "none", _("None")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABILITY = "disability", _("Disability")


class DisabilityKind(models.TextChoices):
    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    PHYSICAL = "physical", _("Physical")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class SchoolStage(models.TextChoices):
    NONE = "none", _("Not in school")
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    VOCATIONAL = "vocational", _("Vocational school")
    UNIVERSITY = "university", _("College or university")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    FLEXIBLE = "flexible", _("Flexible or casual work")
    FARMING = "farming", _("Farming")
    UNEMPLOYED = "unemployed", _("Unemployed")
    RETIRED = "retired", _("Retired")
    STUDENT = "student", _("Student")
    UNABLE = "unable", _("Unable to work")


class LeaveReason(models.TextChoices):
    DEATH = "death", _("Death")
    MOVED_AWAY = "moved_away", _("Moved away")
    MARRIED_OUT = "married_out", _("Married out")
    OTHER = "other", _("Other")


class Member(crypto.EncryptedIdNumberMixin, models.Model):
    """A person's membership of a household. Moving to another household ends this
    row (``active=False``) and starts a new one, so the history stays."""

    AUDIT_MASKED = ("id_number_cipher", "id_number_digest")

    household = models.ForeignKey(Household, models.PROTECT, related_name="members", verbose_name=_("household"))
    name = NameField(_("name"), max_length=50)
    id_number_cipher = models.TextField(editable=False)
    id_number_digest = models.CharField(max_length=64, editable=False, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    relation_to_head = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    hukou_place = models.CharField(_("household registration place"), max_length=100, blank=True)
    labour_ability = models.CharField(
        _("labour ability"), max_length=8, choices=LabourAbility.choices, default=LabourAbility.FULL
    )
    health = models.CharField(_("health"), max_length=12, choices=Health.choices, default=Health.HEALTHY)
    disability_class = models.PositiveSmallIntegerField(
        _("disability class"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    disability_kind = models.CharField(_("disability kind"), max_length=16, choices=DisabilityKind.choices, blank=True)
    school_stage = models.CharField(
        _("school stage"), max_length=12, choices=SchoolStage.choices, default=SchoolStage.NONE
    )
    employment = models.CharField(_("employment"), max_length=12, choices=Employment.choices, blank=True)
    monthly_income = models.DecimalField(_("monthly income (yuan)"), **MONEY)
    phone = PhoneField(_("phone"))
    active = models.BooleanField(_("active member"), default=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Why the membership ended other than by a move (a move has its MemberMove row).
    left_reason = models.CharField(
        _("reason for leaving"), max_length=16, choices=LeaveReason.choices, blank=True, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            # One person is an active member of one household at a time.
            models.UniqueConstraint(
                fields=["id_number_digest"], condition=Q(active=True), name="member_one_active_household"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MemberMove(models.Model):
    member_from = models.ForeignKey(Member, models.PROTECT, related_name="moves_out")
    member_to = models.ForeignKey(Member, models.PROTECT, related_name="moves_in")
    moved_on = models.DateField(_("moved on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class Category(models.TextChoices):
    DIBAO = codes.Category.DIBAO.value, _("Minimum living allowance (低保)")
    LOW_INCOME = codes.Category.LOW_INCOME.value, _("Low-income / marginal (低边)")
    TEKUN = codes.Category.TEKUN.value, _("Extreme poverty support (特困)")
    TEMPORARY = codes.Category.TEMPORARY.value, _("Temporary assistance (临时救助)")
    EXPENDITURE = codes.Category.EXPENDITURE.value, _("Expenditure-type poverty (支出型贫困)")
    MEDICAL = codes.Category.MEDICAL.value, _("Medical assistance")
    EDUCATION = codes.Category.EDUCATION.value, _("Education assistance")
    HOUSING = codes.Category.HOUSING.value, _("Housing assistance")
    EMPLOYMENT = codes.Category.EMPLOYMENT.value, _("Employment assistance")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = codes.EnrolmentStatus.ACTIVE.value, _("In force")
    GRADUAL_EXIT = codes.EnrolmentStatus.GRADUAL_EXIT.value, _("Gradual exit")
    SUSPENDED = codes.EnrolmentStatus.SUSPENDED.value, _("Suspended")
    ENDED = codes.EnrolmentStatus.ENDED.value, _("Ended")


class Enrolment(models.Model):
    """An assistance decision (救助认定) and its current status."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="enrolments", verbose_name=_("household"))
    member = models.ForeignKey(
        Member,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("member (for individual aid)"),
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), **MONEY)
    decision_no = models.CharField(_("decision number"), max_length=50, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [
            models.Index(fields=["household", "status", "category"], name="enrol_hh_status_cat_idx"),
            models.Index(fields=["category", "status"], name="enrol_cat_status_idx"),
            # The nightly pass ends the gradual exits past their last day: only those rows.
            models.Index(fields=["end_on"], condition=Q(status="gradual_exit"), name="enrol_gradual_exit_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.start_on}"


class EnrolmentStatusChange(models.Model):
    """The full chain of decisions on an enrolment."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=EnrolmentStatus.choices)
    on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=50, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class VerificationSource(models.TextChoices):
    TOWNSHIP = "township", _("Township survey")
    COUNTY_CENTRE = "county_centre", _("County verification centre report")


class Verification(models.Model):
    """Economic-status verification (家庭经济状况核对): monthly household figures."""

    AUDIT_MASKED = ()

    household = models.ForeignKey(Household, models.PROTECT, related_name="verifications", verbose_name=_("household"))
    verified_on = models.DateField(_("verified on"))
    source = models.CharField(_("source"), max_length=16, choices=VerificationSource.choices)
    report_no = models.CharField(_("report number"), max_length=50, blank=True)
    members_counted = models.PositiveSmallIntegerField(_("members counted"), validators=[MinValueValidator(1)])
    income_wages = models.DecimalField(_("wages (yuan/month)"), **MONEY)
    income_business = models.DecimalField(_("net business income (yuan/month)"), **MONEY)
    income_property = models.DecimalField(_("net property income (yuan/month)"), **MONEY)
    income_transfer = models.DecimalField(_("net transfer income (yuan/month)"), **MONEY)
    income_support = models.DecimalField(_("support from relatives (yuan/month)"), **MONEY)
    income_other = models.DecimalField(_("other income (yuan/month)"), **MONEY)
    income_from_new_work = models.BooleanField(_("income rose from new work"), default=False)
    deposits = models.DecimalField(_("deposits (yuan)"), **MONEY)
    securities = models.DecimalField(_("securities (yuan)"), **MONEY)
    real_estate_count = models.PositiveSmallIntegerField(_("homes owned"), default=0)
    vehicles = models.PositiveSmallIntegerField(_("vehicles"), default=0)
    vehicle_exempt = models.BooleanField(_("vehicle exempt (disability mobility)"), default=False)
    registered_businesses = models.PositiveSmallIntegerField(_("registered businesses"), default=0)
    expense_medical = models.DecimalField(_("medical expenses (yuan/month)"), **MONEY)
    expense_education = models.DecimalField(_("education expenses (yuan/month)"), **MONEY)
    total_income = models.DecimalField(_("total income (yuan/month)"), **MONEY, editable=False)
    per_capita_income = models.DecimalField(_("per-capita income (yuan/month)"), **MONEY, editable=False)
    classification = models.CharField(_("classification"), max_length=16, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["-verified_on", "-id"]
        verbose_name = _("economic verification")
        verbose_name_plural = _("economic verifications")
        # The latest verification of a household in one index descent (and, for the nightly
        # review, of every household in index order, without a sort).
        indexes = [models.Index(fields=["household", "-verified_on", "-id"], name="verif_hh_latest_idx")]

    INCOME_FIELDS = (
        "income_wages",
        "income_business",
        "income_property",
        "income_transfer",
        "income_support",
        "income_other",
    )


class Housing(models.TextChoices):
    OWN = "own", _("Own home")
    RENT = "rent", _("Rented")
    PUBLIC = "public", _("Public housing")
    BORROWED = "borrowed", _("Lent by relatives")
    OTHER = "other", _("Other")


class HousingCondition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    DANGEROUS = "dangerous", _("Dangerous")


class Survey(models.Model):
    """A home-visit survey (入户调查)."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="surveys", verbose_name=_("household"))
    visited_on = models.DateField(_("visited on"))
    present = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("caseworkers present"))
    housing = models.CharField(_("housing"), max_length=12, choices=Housing.choices)
    housing_condition = models.CharField(_("housing condition"), max_length=12, choices=HousingCondition.choices)
    appliances = models.CharField(_("appliances"), max_length=300, blank=True)
    vehicles = models.CharField(_("vehicles"), max_length=300, blank=True)
    needs_observed = BoundedTextField(_("needs observed"), blank=True)
    household_confirmed = models.BooleanField(_("household confirmed the record"), default=False)
    confirmed_by_name = NameField(_("confirmed by"), max_length=50, blank=True)
    notes = BoundedTextField(_("notes"), blank=True)
    # The next visit the caseworker promised; on their task list until a later visit is recorded.
    follow_up_on = models.DateField(_("follow-up visit on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("home-visit survey")
        verbose_name_plural = _("home-visit surveys")
        indexes = [models.Index(fields=["household", "-visited_on"], name="survey_hh_date_idx")]


class SurveyMemberCheck(models.Model):
    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Verified as recorded")
        CHANGED = "changed", _("Changed since the last record")
        ABSENT = "absent", _("Not met")

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="member_checks")
    member = models.ForeignKey(Member, models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("what changed"), max_length=300, blank=True)


class NeedDomain(models.TextChoices):
    LIVING = "living", _("Living")
    SCHOOLING = "schooling", _("Schooling")
    EMPLOYMENT = "employment", _("Employment")
    MEDICAL = "medical", _("Medical")
    HOUSING = "housing", _("Housing")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    SOCIAL_SUPPORT = "social_support", _("Social support")
    CARE = "care", _("Care")


class NeedLevel(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Assessment(models.Model):
    """A needs assessment (需求评估); its needs are rows, one per domain."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="assessments", verbose_name=_("household"))
    assessed_on = models.DateField(_("assessed on"))
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, editable=False)
    summary = BoundedTextField(_("summary"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")


class AssessmentNeed(models.Model):
    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="needs")
    domain = models.CharField(_("domain"), max_length=16, choices=NeedDomain.choices)
    level = models.CharField(_("level"), max_length=8, choices=NeedLevel.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "domain"], name="need_one_per_domain")]
        ordering = ["assessment_id", "domain"]


class DocumentKind(models.TextChoices):
    ID_COPY = "id_copy", _("ID card copy")
    HOUSEHOLD_REGISTER = "household_register", _("Household register")
    APPLICATION_LETTER = "application_letter", _("Application letter")
    AUTHORISATION = "authorisation", _("Verification authorisation and commitment")
    INCOME_PROOF = "income_proof", _("Income proof")
    DISABILITY_CERTIFICATE = "disability_certificate", _("Disability certificate")
    MEDICAL_RECORDS = "medical_records", _("Medical records")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    SIGNED_FORM = "signed_form", _("Signed form")
    DECISION_NOTICE = "decision_notice", _("Decision notice")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


def document_path(instance: Document, filename: str) -> str:
    # The stored name never carries the user's file name (which may hold a person's name).
    import uuid

    return f"households/{instance.household_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    # The stored path is a random name; the audit trail records the checked type, size and hash.
    AUDIT_SKIP = ("file",)

    household = models.ForeignKey(Household, models.PROTECT, related_name="documents", verbose_name=_("household"))
    member = models.ForeignKey(
        Member, models.PROTECT, null=True, blank=True, related_name="documents", verbose_name=_("member")
    )
    survey = models.ForeignKey(Survey, models.SET_NULL, null=True, blank=True, related_name="documents")
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
