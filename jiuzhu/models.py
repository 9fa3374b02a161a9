"""The shared core: areas, users with a role and an area, policy parameters, audit trail."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuzhu.i18n import render_reason
from jiuzhu.policy import DEFAULTS, FLOORS, POLICY_FIELDS, Policy, weaker_figures


class AreaLevel(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County-level unit")
    TOWNSHIP = "township", _("Township / street")
    VILLAGE = "village", _("Village / community")


class AreaQuerySet(models.QuerySet):
    def counties(self) -> AreaQuerySet:
        return self.filter(level=AreaLevel.COUNTY)

    def townships(self) -> AreaQuerySet:
        return self.filter(level=AreaLevel.TOWNSHIP)

    def visible_to(self, user) -> AreaQuerySet:
        """Areas inside the user's own area (and the area itself)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser or user.role == Role.ADMIN:
            return self.all()
        area = user.area
        if area is None:
            return self.none()
        if area.level == AreaLevel.CITY:
            return self.filter(Q(pk=area.pk) | Q(city=area))
        if area.level == AreaLevel.COUNTY:
            return self.filter(Q(pk=area.pk) | Q(county=area))
        if area.level == AreaLevel.TOWNSHIP:
            return self.filter(Q(pk=area.pk) | Q(township=area))
        return self.filter(pk=area.pk)


class Area(models.Model):
    """An administrative area, GB/T 2260-style code.

    ``parent`` is the statistical parent. ``county`` is the county-level unit that
    *runs* the area: for most townships their district or county, but for the
    townships run by a functional zone (嘉兴经济开发区, 嘉兴港区) the zone, whose
    civil-affairs office then handles their households. ``city``/``county``/
    ``township`` are the ancestors that scope filters use, kept on the row so a scope
    check is one indexed comparison.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, blank=True, help_text=_("镇, 街道, 区, 县, 市, 功能区, 村, 社区"))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    city = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    county = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    township = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    is_functional_zone = models.BooleanField(_("functional zone"), default=False)
    active = models.BooleanField(_("active"), default=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected_parent = {
            AreaLevel.CITY: None,
            AreaLevel.COUNTY: AreaLevel.CITY,
            AreaLevel.TOWNSHIP: AreaLevel.COUNTY,
            AreaLevel.VILLAGE: AreaLevel.TOWNSHIP,
        }[self.level]
        if expected_parent and (self.parent is None or self.parent.level != expected_parent):
            raise ValidationError(
                {
                    "parent": _("The parent of this area must be a %(level)s.")
                    % {"level": AreaLevel(expected_parent).label}
                }
            )

    def fill_ancestors(self) -> None:
        """Set city/county/township from the parent chain (and the managing county)."""
        if self.level == AreaLevel.CITY:
            self.city = None
            self.county = None
            self.township = None
        elif self.level == AreaLevel.COUNTY:
            self.city = self.parent
            self.county = None
            self.township = None
        elif self.level == AreaLevel.TOWNSHIP:
            self.city = self.parent.city if self.parent else None
            if self.county_id is None:
                self.county = self.parent
            self.township = None
        else:
            self.township = self.parent
            self.county = self.parent.county if self.parent else None
            self.city = self.parent.city if self.parent else None


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    TOWNSHIP_OFFICER = "township_officer", _("Township officer")
    COUNTY_CIVIL = "county_civil", _("County civil affairs")
    CITY_CIVIL = "city_civil", _("City civil affairs")
    COUNTY_FINANCE = "county_finance", _("County finance")
    CITY_FINANCE = "city_finance", _("City finance")
    ADMIN = "admin", _("System administrator")


# Which area level each role's scope is. A user's area must be of this level.
ROLE_LEVEL = {
    Role.CASEWORKER: AreaLevel.TOWNSHIP,
    Role.TOWNSHIP_OFFICER: AreaLevel.TOWNSHIP,
    Role.COUNTY_CIVIL: AreaLevel.COUNTY,
    Role.COUNTY_FINANCE: AreaLevel.COUNTY,
    Role.CITY_CIVIL: AreaLevel.CITY,
    Role.CITY_FINANCE: AreaLevel.CITY,
}
CIVIL_AFFAIRS_ROLES = frozenset(
    {Role.CASEWORKER, Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL, Role.CITY_CIVIL, Role.ADMIN}
)
FINANCE_ROLES = frozenset({Role.COUNTY_FINANCE, Role.CITY_FINANCE})


class User(AbstractUser):
    # The trail says a password changed, never its hash; a login is audited as a login.
    AUDIT_MASKED = ("password",)
    AUDIT_SKIP = ("last_login",)

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CASEWORKER)
    area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("area"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        level = ROLE_LEVEL.get(self.role)
        if level and (self.area is None or self.area.level != level):
            raise ValidationError(
                {
                    "area": _("A %(role)s must belong to an area of level %(level)s.")
                    % {"role": Role(self.role).label, "level": AreaLevel(level).label}
                }
            )

    def __str__(self) -> str:
        # Wherever a person is shown (a select, a record's "by"): their name, not their login.
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and (self.role in roles or (Role.ADMIN in roles and self.is_superuser))


class PolicyParametersQuerySet(models.QuerySet):
    """The one place a policy is looked up. A county (or the city) with no row of that year
    or an earlier one has no policy: ``None``, or absent from the dict. The caller says
    what that means (refuse, skip, or ``Policy.unset`` where no standard is read)."""

    def rows_for(self, areas, year: int) -> dict[int, PolicyParameters]:
        """Each area's row in force for ``year``, in one query: the latest year not after
        ``year``, the area's own row before the city's of the same year."""
        areas = {a.pk: a for a in areas}
        area_ids = set(areas) | {a.city_id for a in areas.values() if a.city_id}
        rows = list(self.filter(area_id__in=area_ids, year__lte=year))
        found: dict[int, PolicyParameters] = {}
        for pk, area in areas.items():
            candidates = [r for r in rows if r.area_id in (pk, area.city_id)]
            if candidates:
                found[pk] = max(candidates, key=lambda r: (r.year, r.area_id == pk))
        return found

    def policies_for(self, areas, year: int) -> dict[int, Policy]:
        """Each area's policy for ``year`` (one query); an area with no row is absent."""
        return {pk: row.as_policy(year) for pk, row in self.rows_for(areas, year).items()}

    def policies_or_unset(self, areas, year: int) -> dict[int, Policy]:
        """Each area's policy, ``Policy.unset`` for one with no row: for readers of the
        intervals, deadlines and staffing figures only, never of the line."""
        areas = list(areas)
        found = self.policies_for(areas, year)
        return {a.pk: found.get(a.pk) or Policy.unset(year) for a in areas}

    def policy_for(self, area: Area, year: int) -> Policy | None:
        """One area's policy for ``year`` (one query), or ``None``."""
        return self.policies_for([area], year).get(area.pk)

    def for_county(self, county: Area, year: int) -> PolicyParameters | None:
        """The row in force for a county and year (one query), or ``None``."""
        return self.rows_for([county], year).get(county.pk)


def _money(**kwargs):
    return models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], **kwargs)


class PolicyParameters(models.Model):
    """One county-level unit's (or the whole city's) policy figures for one year."""

    area = models.ForeignKey(
        Area,
        models.PROTECT,
        related_name="policy_parameters",
        verbose_name=_("area"),
        help_text=_("A county-level unit, or the city for a city-wide default."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    dibao_standard = _money(verbose_name=_("minimum living standard (yuan/person/month)"))
    low_income_multiple = models.DecimalField(
        _("low-income multiple of the standard"),
        max_digits=4,
        decimal_places=2,
        default=DEFAULTS["low_income_multiple"],
    )
    dibao_min_amount = _money(
        verbose_name=_("minimum benefit per member (yuan/month)"), default=DEFAULTS["dibao_min_amount"]
    )
    asset_limit_months = models.PositiveSmallIntegerField(
        _("financial asset limit (months of standard per person)"), default=DEFAULTS["asset_limit_months"]
    )
    work_income_disregard_months = models.PositiveSmallIntegerField(
        _("months new work income is disregarded"), default=DEFAULTS["work_income_disregard_months"]
    )
    work_income_disregard_multiple = models.DecimalField(
        _("disregarded work income (multiple of standard)"),
        max_digits=4,
        decimal_places=2,
        default=DEFAULTS["work_income_disregard_multiple"],
    )
    review_months_stable = models.PositiveSmallIntegerField(
        _("review interval, stable households (months)"), default=DEFAULTS["review_months_stable"]
    )
    review_months_unstable = models.PositiveSmallIntegerField(
        _("review interval, unstable income with labour ability (months)"), default=DEFAULTS["review_months_unstable"]
    )
    review_months_other = models.PositiveSmallIntegerField(
        _("review interval, other households (months)"), default=DEFAULTS["review_months_other"]
    )
    review_months_tekun = models.PositiveSmallIntegerField(
        _("review interval, extreme poverty support (months)"), default=DEFAULTS["review_months_tekun"]
    )
    gradual_exit_months = models.PositiveSmallIntegerField(
        _("gradual exit period (months)"), default=DEFAULTS["gradual_exit_months"]
    )
    verification_valid_months = models.PositiveSmallIntegerField(
        _("verification valid for (months)"), default=DEFAULTS["verification_valid_months"]
    )
    review_escalation_days = models.PositiveSmallIntegerField(
        _("escalate overdue reviews after (days)"), default=DEFAULTS["review_escalation_days"]
    )
    temp_aid_multiple = models.DecimalField(
        _("temporary aid cap (multiple of standard)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULTS["temp_aid_multiple"],
    )
    temp_aid_severe_multiple = models.DecimalField(
        _("temporary aid cap, severe (multiple of standard)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULTS["temp_aid_severe_multiple"],
    )
    temp_aid_township_limit = _money(
        verbose_name=_("temporary aid the township may approve (yuan)"), default=DEFAULTS["temp_aid_township_limit"]
    )
    investigation_working_days = models.PositiveSmallIntegerField(
        _("township investigation (working days)"), default=DEFAULTS["investigation_working_days"]
    )
    public_notice_days = models.PositiveSmallIntegerField(
        _("public notice (days)"), default=DEFAULTS["public_notice_days"]
    )
    decision_working_days = models.PositiveSmallIntegerField(
        _("county decision (working days)"), default=DEFAULTS["decision_working_days"]
    )
    caseworker_funding_floor = _money(
        verbose_name=_("transfer per caseworker per year, at least (yuan)"),
        default=DEFAULTS["caseworker_funding_floor"],
    )
    min_contract_years = models.PositiveSmallIntegerField(
        _("minimum contract length (years)"), default=DEFAULTS["min_contract_years"]
    )
    qualification_deadline_years = models.PositiveSmallIntegerField(
        _("years to obtain the social worker title"), default=DEFAULTS["qualification_deadline_years"]
    )
    recruit_max_age = models.PositiveSmallIntegerField(
        _("recruitment: maximum age"), default=DEFAULTS["recruit_max_age"]
    )
    recruit_max_age_relaxed = models.PositiveSmallIntegerField(
        _("recruitment: maximum age when relaxed"), default=DEFAULTS["recruit_max_age_relaxed"]
    )
    recruit_min_work_years = models.DecimalField(
        _("recruitment: minimum work experience (years)"),
        max_digits=4,
        decimal_places=1,
        default=DEFAULTS["recruit_min_work_years"],
    )
    staffing_first_check_date = models.DateField(
        _("first staffing check date"), default=DEFAULTS["staffing_first_check_date"]
    )
    note = models.CharField(_("source or note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Two officers editing one year's row: the second save is refused, not written over.
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_SKIP = ("updated_at", "version")

    objects = PolicyParametersQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="policy_one_row_per_area_year")]
        ordering = ["area__code", "-year"]
        verbose_name = _("policy parameters")
        verbose_name_plural = _("policy parameters")

    def __str__(self) -> str:
        return f"{self.area} {self.year}"

    def clean(self) -> None:
        if self.area_id and self.area.level not in (AreaLevel.COUNTY, AreaLevel.CITY):
            raise ValidationError({"area": _("Policy parameters belong to a county-level unit or the city.")})
        # A row may be stricter than the seed (and a county's than the city's), never weaker.
        city = self.city_row()
        weaker = weaker_figures(
            {name: getattr(self, name) for name in FLOORS},
            city={name: getattr(city, name) for name in FLOORS} if city else None,
            city_year=city.year if city else None,
        )
        if weaker:
            raise ValidationError({name: render_reason(reason) for name, reason in weaker.items()})

    def city_row(self) -> PolicyParameters | None:
        """For a county's row: the city's row in force for its year (None for the city's own row)."""
        if not self.area_id or self.area.level != AreaLevel.COUNTY or not self.area.city_id or not self.year:
            return None
        return (
            PolicyParameters.objects.filter(area_id=self.area.city_id, year__lte=self.year)
            .exclude(pk=self.pk)
            .order_by("-year")
            .first()
        )

    @classmethod
    def initial_from_city(cls, year: int | None = None) -> dict[str, object]:
        """A new row's starting figures: a copy of the city's latest row (of ``year`` or before)."""
        rows = cls.objects.filter(area__level=AreaLevel.CITY)
        if year is not None:
            rows = rows.filter(year__lte=year)
        city = rows.order_by("-year").first()
        if city is None:
            return {}
        return {name: getattr(city, name) for name in POLICY_FIELDS if name != "year"} | {"note": city.note}

    def as_policy(self, year: int | None = None) -> Policy:
        values = {name: getattr(self, name) for name in POLICY_FIELDS if name != "year"}
        values["staffing_first_check_date"] = str(self.staffing_first_check_date)
        return Policy(year=year or self.year, **values)


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Viewed personal data")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    DENIED = "denied", _("Access denied")
    TRANSITION = "transition", _("Status changed")


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, instance: models.Model) -> AuditEventQuerySet:
        return self.filter(target_type=instance._meta.label_lower, target_id=str(instance.pk))

    def for_household(self, household_id: int) -> AuditEventQuerySet:
        return self.filter(household_id=household_id)


class AuditEvent(models.Model):
    """One row per event; never changed by the application (save/delete refuse it)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # PROTECT: deleting a user who acted would rewrite their events (the trail refuses it);
    # such a user is deactivated instead.
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("who"))
    actor_name = models.CharField(_("who (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(_("record type"), max_length=64, blank=True)
    target_id = models.CharField(_("record"), max_length=64, blank=True)
    household_id = models.BigIntegerField(_("household"), null=True, blank=True, db_index=True)
    area_code = models.CharField(_("area"), max_length=12, blank=True)
    changes = models.JSONField(_("changes (old → new)"), default=dict, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.target_type}#{self.target_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events cannot be deleted."))
