"""Ids-first pagination (jiuzhu.pagination): same pages as plain pagination, joins for one page only."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household
from jiuzhu.pagination import IdsFirstPaginator

pytestmark = pytest.mark.django_db


def _joined():
    return Household.objects.select_related("township", "head").order_by("dossier_no")


def test_ids_first_pages_hold_the_same_rows_in_the_same_order_as_plain_pages(make):
    for _ in range(7):
        make.household(members=1)
    plain, ids_first = Paginator(_joined(), 3), IdsFirstPaginator(_joined(), 3)
    assert ids_first.count == plain.count == 7
    for number in plain.page_range:
        rows = list(ids_first.page(number))
        assert [h.pk for h in rows] == [h.pk for h in plain.page(number)]
        assert all(h.head is not None and h.township.name for h in rows)


def test_a_page_is_two_queries_the_count_without_joins_and_the_rows_with_the_ids_as_a_subquery(make):
    for _ in range(4):
        make.household(members=1)
    with CaptureQueriesContext(connection) as captured:
        page = IdsFirstPaginator(_joined().filter(status="pending"), 2).get_page(2)
        assert len(list(page)) == 2
    count, rows = (q["sql"] for q in captured.captured_queries)
    assert "COUNT(" in count and "JOIN" not in count
    assert "JOIN" in rows and "IN (SELECT" in rows
    # The scope and filters are applied to the ids only, once.
    assert rows.count("pending") == 1


def test_a_queryset_without_joins_is_paged_as_usual(make):
    make.household(members=0)
    paginator = IdsFirstPaginator(Household.objects.order_by("dossier_no"), 10)
    assert paginator.rows is None and len(paginator.page(1)) == 1
