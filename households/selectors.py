"""Read-side queries for household pages and the API (no N+1)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from households.models import Enrolment, Household, Member


def household_list(*, user) -> QuerySet[Household]:
    return Household.objects.in_scope(user).with_list_related().order_by("dossier_no")


def household_dossier(*, user, pk: int) -> Household:
    """One household with everything the dossier page shows, in a fixed number of queries."""
    return (
        Household.objects.in_scope(user)
        .with_list_related()
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("-active", "id")),
            Prefetch("enrolments", queryset=Enrolment.objects.order_by("-start_on")),
            "caseworkers",
        )
        .get(pk=pk)
    )
