"""manage.py refresh_completeness: every dossier's completeness and missing items, by batch."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from households import rules
from households.dossier import services
from households.models import Household


def _stale(households):
    Household.objects.filter(pk__in=[h.pk for h in households]).update(completeness=0, missing_items=0)


def _as_the_service_computes(household) -> tuple[int, int]:
    result = services.completeness_of(household)
    return result.percent, result.missing_mask


@pytest.mark.parametrize("size", [2, 7])
def test_a_batch_takes_the_same_queries_whatever_its_size(db, make, django_assert_num_queries, size):
    households = [make.household(members=1 + i % 3, address="" if i % 2 else "中山路1号") for i in range(size)]
    _stale(households)
    # households with their latest dates, member counts, document kinds, enrolments, plan
    # presence, the counties (1) and the policy of the one county, one UPDATE: 8
    with django_assert_num_queries(8):
        assert services.completeness_refresh_batch([h.pk for h in households]) == size
    for h in households:
        stored = Household.objects.get(pk=h.pk)
        assert (stored.completeness, stored.missing_items) == _as_the_service_computes(stored)
        assert stored.missing_items != 0  # no plan, no survey: something is always missing here


def test_command_refreshes_one_areas_households_in_chunks_and_reports_progress(db, make):
    inside = [make.household("330402007", members=1) for _ in range(3)]
    outside = make.household("330411002", members=1)
    _stale([*inside, outside])
    out = io.StringIO()
    call_command("refresh_completeness", "--area", "330402", "--chunk", "2", stdout=out)
    assert "2 / 3 households" in out.getvalue() and "3 / 3 households" in out.getvalue()
    assert "refresh_completeness: 3 households" in out.getvalue()
    for h in inside:
        stored = Household.objects.get(pk=h.pk)
        assert (stored.completeness, stored.missing_items) == _as_the_service_computes(stored)
        assert rules.missing_bit("plan") & stored.missing_items
    assert Household.objects.filter(pk=outside.pk, completeness=0, missing_items=0).exists()


def test_command_queries_grow_with_chunks_not_households(db, make, django_assert_max_num_queries):
    households = [make.household(members=1) for _ in range(9)]
    _stale(households)
    # per chunk: the next ids, savepoint, the batch (7 + policy once), release; plus the
    # area, the count and the last empty ids query
    with django_assert_max_num_queries(16):
        call_command("refresh_completeness", "--chunk", "1000", stdout=io.StringIO())


def test_command_refuses_an_unknown_area(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("refresh_completeness", "--area", "999999", stdout=io.StringIO())
