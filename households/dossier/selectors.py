"""Read-side queries for household pages and the API (no N+1)."""

from __future__ import annotations

import datetime
import re

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from households import access, rules
from households import sections as dossier_sections
from households.models import (
    Assessment,
    Document,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Household,
    Member,
    MemberMove,
    Plan,
    Survey,
    SurveyMemberCheck,
    Verification,
)
from jiuzhu import crypto
from jiuzhu.models import AreaLevel, Role, User

DOSSIER_NO = re.compile(r"^\d{6,12}-?\d{0,5}$")
COMPLETENESS_BANDS = {key: (low, high) for key, low, high in rules.COMPLETENESS_BANDS}
REVIEW_DUE_DAYS = 30
USER_NAME_FIELDS = ("id", "username", "first_name", "last_name")  # what User.display_name reads


def can_edit(user, household: Household) -> bool:
    """Caseworkers and township officers change files of their own township; everyone
    else in scope (county, city, a guardian grant) reads."""
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return access.may_edit_dossier(user) and user.area_id is not None and user.area_id == household.township_id


def editable_households(user) -> QuerySet[Household]:
    if user.is_superuser or user.role == Role.ADMIN:
        return Household.objects.all()
    if not access.may_edit_dossier(user) or user.area is None or user.area.level != AreaLevel.TOWNSHIP:
        return Household.objects.none()
    return Household.objects.filter(township_id=user.area_id)


def missing_item_q(code: str) -> Q:
    """Households whose stored missing items include requirement ``code`` (a bit test on
    ``Household.missing_items``; prefix-free, so also usable inside an aggregate's filter)."""
    return Q(GreaterThan(F("missing_items").bitand(rules.missing_bit(code)), 0))


def household_list(*, user) -> QuerySet[Household]:
    return Household.objects.in_scope(user).with_list_related().order_by("dossier_no")


def id_search_digest(q: str) -> str:
    """The blind index of ``q`` if it is a full ID number, else "" (never put the number in a URL)."""
    normal = rules.normalize_id_number((q or "").strip())
    return crypto.blind_index(normal) if len(normal) == 18 and normal[:17].isdigit() else ""


def search(queryset: QuerySet[Household], q: str) -> QuerySet[Household]:
    """By full ID number (exact, through the blind index), dossier number, or member name."""
    q = (q or "").strip()
    if not q:
        return queryset
    normal = rules.normalize_id_number(q)
    if len(normal) == 18 and normal[:17].isdigit():
        digest = crypto.blind_index(normal)
        return queryset.filter(
            Exists(Member.objects.filter(household=OuterRef("pk"), id_number_digest=digest, active=True))
        )
    if DOSSIER_NO.match(q):
        return queryset.filter(dossier_no__startswith=q)
    return queryset.filter(Exists(Member.objects.filter(household=OuterRef("pk"), name__contains=q, active=True)))


def filtered(queryset: QuerySet[Household], data: dict, *, today: datetime.date | None = None) -> QuerySet[Household]:
    """Apply the list filters (already validated by HouseholdFilterForm)."""
    today = today or timezone.localdate()
    queryset = search(queryset, data.get("q") or "")
    if data.get("idx"):
        queryset = queryset.filter(
            Exists(Member.objects.filter(household=OuterRef("pk"), id_number_digest=data["idx"], active=True))
        )
    # The area filters narrow the user's scope (never widen it: the queryset is scoped).
    if data.get("county"):
        queryset = queryset.filter(county_id=data["county"])
    if data.get("township"):
        queryset = queryset.filter(township=data["township"])
    if data.get("village"):
        queryset = queryset.filter(village_id=data["village"])
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("category"):
        queryset = queryset.filter(
            Exists(
                Enrolment.objects.filter(
                    household=OuterRef("pk"),
                    category=data["category"],
                    status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.GRADUAL_EXIT],
                )
            )
        )
    if data.get("caseworker"):
        queryset = queryset.filter(caseworkers=data["caseworker"])
    band = COMPLETENESS_BANDS.get(data.get("completeness") or "")
    if band:
        queryset = queryset.filter(completeness__gte=band[0], completeness__lte=band[1])
    if data.get("missing"):
        queryset = queryset.filter(missing_item_q(data["missing"]))
    if data.get("review_due"):
        queryset = queryset.filter(next_review_on__lte=today + datetime.timedelta(days=REVIEW_DUE_DAYS))
    if data.get("review_overdue"):
        queryset = queryset.filter(next_review_on__lt=today)
    return queryset


def household_dossier(*, user, pk: int) -> Household:
    """One household with everything the dossier page shows, in a fixed number of queries."""
    household = (
        Household.objects.in_scope(user)
        .with_list_related()
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("-active", "id")),
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.select_related("member")
                .prefetch_related(Prefetch("history", queryset=EnrolmentStatusChange.objects.select_related("by")))
                .order_by("-start_on"),
            ),
            # Only what the page shows; who recorded each record is on the timeline (of users, their names).
            Prefetch("verifications", queryset=Verification.objects.select_related("recorded_by")),
            Prefetch(
                "surveys",
                queryset=Survey.objects.select_related("recorded_by").prefetch_related(
                    Prefetch("present", queryset=User.objects.only(*USER_NAME_FIELDS)),
                    Prefetch("member_checks", queryset=SurveyMemberCheck.objects.select_related("member")),
                ),
            ),
            Prefetch(
                "assessments", queryset=Assessment.objects.select_related("assessed_by").prefetch_related("needs")
            ),
            # Applications: procedure_selectors.household_applications (with their deadlines).
            Prefetch("documents", queryset=Document.objects.select_related("member", "uploaded_by")),
            Prefetch("caseworkers", queryset=User.objects.only(*USER_NAME_FIELDS)),
            # Read by the completeness rule and by the plan section (households.plans.selectors).
            Prefetch("plans", queryset=Plan.objects.select_related("created_by").order_by("-number")),
        )
        .get(pk=pk)
    )
    _attach_moves(household)
    return household


def _attach_moves(household: Household) -> None:
    """Set ``moved_in`` and ``moved_out`` on each prefetched member: the moves of all members
    in one query (by their ids, through both move indexes), not one prefetch per direction."""
    members = list(household.members.all())
    ids = [m.pk for m in members]
    moves = (
        list(
            MemberMove.objects.filter(Q(member_to_id__in=ids) | Q(member_from_id__in=ids))
            .select_related("member_from__household", "member_to__household")
            .order_by("moved_on", "id")
        )
        if ids
        else []
    )
    for member in members:
        member.moved_in = [move for move in moves if move.member_to_id == member.pk]
        member.moved_out = [move for move in moves if move.member_from_id == member.pk]


def _name(user) -> str:
    return user.display_name if user is not None else ""


def creators(household: Household) -> dict[tuple[str, str], str]:
    """Who created the household and each member (the audit trail keeps it): one query."""
    from jiuzhu.models import AuditAction, AuditEvent

    rows = (
        AuditEvent.objects.for_household(household.pk)
        .filter(action__in=[AuditAction.CREATE, AuditAction.IMPORT], target_type__in=[LABEL_HOUSEHOLD, LABEL_MEMBER])
        .select_related("actor")
        .only("target_type", "target_id", "actor_name", "actor", *(f"actor__{f}" for f in USER_NAME_FIELDS[1:]))
        .order_by("id")
    )
    found: dict[tuple[str, str], str] = {}
    for event in rows:
        found.setdefault((event.target_type, event.target_id), _name(event.actor) or event.actor_name)
    return found


LABEL_HOUSEHOLD = "households.household"
LABEL_MEMBER = "households.member"


def timeline(
    household: Household, applications=None, sections=(), created_by=None
) -> list[dossier_sections.TimelineEntry]:
    """Everything dated in the file, newest first, with who did it, from the already prefetched
    rows (``applications``: the household's, when they were loaded separately; ``sections``:
    the registered sections, with their own entries; ``created_by``: ``creators()``)."""
    from django.utils.translation import gettext as _

    created_by = created_by or {}
    entries = [
        dossier_sections.TimelineEntry(
            household.registered_on,
            "household",
            _("Registered"),
            household.dossier_no,
            created_by.get((LABEL_HOUSEHOLD, str(household.pk)), ""),
        )
    ]
    for m in household.members.all():
        if m.joined_on:
            entries.append(
                dossier_sections.TimelineEntry(
                    m.joined_on, "member", _("Member joined"), m.name, created_by.get((LABEL_MEMBER, str(m.pk)), "")
                )
            )
        if m.left_on:
            entries.append(dossier_sections.TimelineEntry(m.left_on, "member", _("Member left"), m.name))
    for e in household.enrolments.all():
        for change in e.history.all():
            entries.append(
                dossier_sections.TimelineEntry(
                    change.on,
                    "enrolment",
                    e.get_category_display(),
                    change.get_to_status_display(),
                    _name(change.by),
                )
            )
        if not e.history.all():
            entries.append(
                dossier_sections.TimelineEntry(
                    e.start_on, "enrolment", e.get_category_display(), e.get_status_display()
                )
            )
    for v in household.verifications.all():
        entries.append(
            dossier_sections.TimelineEntry(
                v.verified_on,
                "verification",
                _("Economic verification"),
                _("per capita %(amount)s yuan") % {"amount": v.per_capita_income},
                _name(v.recorded_by),
            )
        )
    for s in household.surveys.all():
        entries.append(
            dossier_sections.TimelineEntry(
                s.visited_on, "survey", _("Home visit"), s.get_housing_condition_display(), _name(s.recorded_by)
            )
        )
    for a in household.assessments.all():
        entries.append(
            dossier_sections.TimelineEntry(
                a.assessed_on, "assessment", _("Needs assessment"), a.get_priority_display(), _name(a.assessed_by)
            )
        )
    for app in household.applications.all() if applications is None else applications:
        entries.append(
            dossier_sections.TimelineEntry(
                app.received_on or timezone.localdate(app.created_at),
                "application",
                _("Application"),
                f"{app.get_category_display()} · {app.get_status_display()}",
                _name(app.helped_by),
            )
        )
    for d in household.documents.all():
        entries.append(
            dossier_sections.TimelineEntry(
                timezone.localdate(d.uploaded_at),
                "document",
                _("Document uploaded"),
                d.get_kind_display(),
                _name(d.uploaded_by),
            )
        )
    for section in sections:
        entries.extend(section.timeline)
    return sorted(entries, key=lambda e: e.on, reverse=True)
