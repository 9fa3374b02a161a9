"""Read-side queries of the four roles' work (no N+1: every list is a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from caseworkers.models import (
    PolicyFeedback,
    PublicityActivity,
    Referral,
    Resource,
    ServiceRecord,
    Training,
    TypicalCase,
    Volunteer,
    VolunteerAssignment,
    VolunteerOrganization,
)


def resource_list(*, user, q: str = "", domain: str = "", active_only: bool = True) -> QuerySet[Resource]:
    qs = Resource.objects.in_scope(user).select_related("area")
    if active_only:
        qs = qs.filter(active=True)
    if domain:
        qs = qs.filter(domain=domain)
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(provider__icontains=q) | Q(conditions__icontains=q) | Q(description__icontains=q)
        )
    return qs.order_by("domain", "name", "id")


def referral_list(*, user, status: str = "", household_id: int | None = None) -> QuerySet[Referral]:
    qs = Referral.objects.in_scope(user).select_related("household", "member", "resource", "created_by")
    if status:
        qs = qs.filter(status=status)
    if household_id:
        qs = qs.filter(household_id=household_id)
    return qs.order_by("-sent_on", "-id")


def service_list(*, user, household_id: int | None = None) -> QuerySet[ServiceRecord]:
    qs = (
        ServiceRecord.objects.in_scope(user)
        .select_related("township", "created_by")
        .annotate(household_count=Count("households", distinct=True))
    )
    if household_id:
        qs = qs.filter(households=household_id)
    return qs.order_by("-held_on", "-id")


def publicity_list(*, user) -> QuerySet[PublicityActivity]:
    return (
        PublicityActivity.objects.in_scope(user)
        .select_related("township", "created_by")
        .annotate(
            household_count=Count("households", distinct=True), volunteer_count=Count("volunteers", distinct=True)
        )
        .order_by("-held_on", "-id")
    )


def feedback_list(*, user) -> QuerySet[PolicyFeedback]:
    return (
        PolicyFeedback.objects.in_scope(user)
        .select_related("township", "county", "created_by", "responded_by")
        .order_by("-created_at", "-id")
    )


def organization_list(*, user) -> QuerySet[VolunteerOrganization]:
    return (
        VolunteerOrganization.objects.in_scope(user)
        .select_related("township")
        .annotate(volunteer_count=Count("volunteers"))
        .order_by("name", "id")
    )


def volunteer_list(*, user) -> QuerySet[Volunteer]:
    return (
        Volunteer.objects.in_scope(user)
        .select_related("organization", "township")
        .annotate(assignment_count=Count("assignments", distinct=True))
        .order_by("name", "id")
    )


def assignment_list(*, user, volunteer_id: int | None = None) -> QuerySet[VolunteerAssignment]:
    qs = VolunteerAssignment.objects.in_scope(user).select_related("volunteer", "household", "activity")
    if volunteer_id:
        qs = qs.filter(volunteer_id=volunteer_id)
    return qs.order_by("done", "due_on", "id")


def training_list(*, user) -> QuerySet[Training]:
    return (
        Training.objects.in_scope(user)
        .select_related("township", "county")
        .annotate(
            caseworker_count=Count("caseworkers_present", distinct=True),
            volunteer_count=Count("volunteers_present", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def case_list(*, user) -> QuerySet[TypicalCase]:
    return (
        TypicalCase.objects.in_scope(user)
        .select_related("township", "county", "created_by")
        .order_by("-updated_at", "-id")
    )


def training_record(*, person) -> dict:
    """A caseworker's (User) or a volunteer's training record: sessions and hours, one query."""
    field = "volunteers_present" if isinstance(person, Volunteer) else "caseworkers_present"
    return Training.objects.filter(**{field: person}).aggregate(sessions=Count("pk"), hours=Sum("hours"))


def training_records(*, user_ids, start, end) -> dict[int, dict]:
    """Caseworkers' training in [start, end): {user id: {"sessions", "hours"}}, one query."""
    rows = (
        Training.objects.filter(caseworkers_present__in=list(user_ids), held_on__gte=start, held_on__lt=end)
        .values("caseworkers_present")
        .annotate(sessions=Count("pk"), hours=Sum("hours"))
        .order_by()
    )
    return {r["caseworkers_present"]: {"sessions": r["sessions"], "hours": r["hours"]} for r in rows}
