"""The task page at scale: grouped by kind and household, filtered, paged in SQL, overdue first."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseworkers import mytasks
from jiuzhu.models import Role
from tests.caseworkers.helpers import referral, resource, service
from tests.clock import TODAY

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


def fill(cw, make, *, late: int, later: int, services: int = 0):
    """``late`` overdue referrals and ``later`` not yet due ones over two households, and service follow-ups."""
    homes = [make.household("330402007"), make.household("330402007")]
    res = resource(cw)
    for i in range(late):
        referral(cw, homes[i % 2], res=res, sent_on=TODAY - 30 * DAY, follow_up_on=TODAY - (i % 5 + 1) * DAY)
    for i in range(later):
        referral(cw, homes[i % 2], res=res, follow_up_on=TODAY + (i % 5 + 1) * DAY)
    for _i in range(services):
        service(cw, [homes[0]], held_on=TODAY - 3 * DAY, follow_up_on=TODAY - DAY)
    return homes


def test_task_page_puts_overdue_first_grouped_by_kind_then_household(make, cw):
    homes = fill(cw, make, late=4, later=3, services=2)

    page = mytasks.task_page(cw, TODAY)

    assert page.total == 9 and page.num_pages == 1
    lates = [t.overdue(TODAY) for t in page.items]
    assert lates == sorted(lates, reverse=True)  # every overdue task before the first one not due
    assert [(t.kind, t.household_id) for t in page.items[:4]] == [
        ("referral", homes[0].pk),
        ("referral", homes[0].pk),
        ("referral", homes[1].pk),
        ("referral", homes[1].pk),
    ]
    assert [t.kind for t in page.items[4:6]] == ["service", "service"]
    # Within one household, the earliest first.
    assert page.items[0].due <= page.items[1].due
    assert {c.kind: (c.total, c.overdue) for c in page.counts} == {"referral": (7, 4), "service": (2, 2)}


def test_task_page_filters_by_kind_and_overdue(make, cw):
    fill(cw, make, late=4, later=3, services=2)

    only_referrals = mytasks.task_page(cw, TODAY, kind="referral")
    late_referrals = mytasks.task_page(cw, TODAY, kind="referral", overdue_only=True)
    late_all = mytasks.task_page(cw, TODAY, overdue_only=True)

    assert {t.kind for t in only_referrals.items} == {"referral"} and only_referrals.total == 7
    assert late_referrals.total == 4 and all(t.overdue(TODAY) for t in late_referrals.items)
    assert late_all.total == 6 and len(late_all.items) == 6
    # The counts per kind stay those of every task, whatever the filter.
    assert {c.kind: c.total for c in late_referrals.counts} == {"referral": 7, "service": 2}


def test_task_page_pages_in_order_without_gaps_or_repeats(make, cw):
    fill(cw, make, late=7, later=6, services=3)

    pages = [mytasks.task_page(cw, TODAY, per_page=5, page=n) for n in (1, 2, 3, 4)]

    assert [len(p.items) for p in pages] == [5, 5, 5, 1] and pages[0].num_pages == 4
    everything = mytasks.task_page(cw, TODAY, per_page=100).items
    assert [t.url for p in pages for t in p.items] == [t.url for t in everything]
    assert len({t.url for t in everything}) == 16
    # A page past the last shows the last.
    assert mytasks.task_page(cw, TODAY, per_page=5, page=99).number == 4


def _page_queries(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("caseworkers:tasks"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_task_page_queries_do_not_grow_with_the_number_of_tasks(make, cw, login, django_assert_num_queries):
    client = login(cw)
    fill(cw, make, late=2, later=1, services=1)
    _page_queries(client)  # the first view counts the menu's task badge; later ones read it cached
    few, _html = _page_queries(client)
    fill(cw, make, late=3, later=2 * mytasks.PAGE_SIZE, services=5)
    many, html = _page_queries(client)

    assert few == many
    # session, user, the user's area, grants, the counts per kind, the page's keys (one
    # union), the page's referrals, the page's service records, the page's households; the
    # badge is cached, the session not written within a minute of its renewal
    with django_assert_num_queries(9):
        client.get(reverse("caseworkers:tasks"))
    assert mytasks.task_page(cw, TODAY).num_pages == 3
    # Only a page of rows is built.
    assert len(re.findall(r"<li>", html.split('class="task-group"', 1)[1])) == mytasks.PAGE_SIZE


def test_task_page_shows_counts_filters_and_pager_in_chinese(make, cw, login):
    fill(cw, make, late=mytasks.PAGE_SIZE + 5, later=2, services=1)
    client = login(cw)

    html = client.get(reverse("caseworkers:tasks")).content.decode()
    second = client.get(reverse("caseworkers:tasks"), {"kind": "referral", "overdue": "1", "page": 2})

    assert "转介跟进 37 · 35 项逾期" in html and "全部 38 · 36 项逾期" in html
    assert "只看逾期" in html and "第 1 页，共 2 页" in html
    assert second.context["page_obj"].number == 2 and second.context["page_obj"].total == 35
    assert 'href="?kind=referral&amp;overdue=1&amp;page=1"' in second.content.decode()


def test_task_page_shows_nothing_of_another_township(make, cw, login):
    fill(cw, make, late=2, later=2)
    stranger = make.user(Role.CASEWORKER, "330402008")

    response = login(stranger).get(reverse("caseworkers:tasks"), {"kind": "referral"})

    assert response.status_code == 200 and response.context["groups"] == []
    assert response.context["page_obj"].counts == []
