"""The menu's task badge: cached per user, counted again after any write that changes it."""

import datetime

import pytest

from caseworkers import badge, services
from households.models import ReviewReason
from households.review.services import open_review_task
from households.review.signals import review_pass_finished
from jiuzhu.models import Area, Role
from tests.caseworkers.helpers import referral, resource
from tests.clock import TODAY

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the writes leave for after their commit (the tests never commit)."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def test_the_second_page_view_reads_the_badge_from_the_cache_without_a_query(make, cw, django_assert_num_queries):
    referral(cw, make.household("330402007"), follow_up_on=TODAY)
    with django_assert_num_queries(1):
        assert badge.count(cw, TODAY) == 1
    with django_assert_num_queries(0):
        assert badge.count(cw, TODAY) == 1


def test_a_new_task_of_the_township_is_counted_at_the_next_page_view(make, cw, committed):
    household = make.household("330402007")
    assert badge.count(cw, TODAY) == 0

    committed(lambda: referral(cw, household, follow_up_on=TODAY + DAY))

    assert badge.count(cw, TODAY) == 1


def test_a_change_saved_by_version_check_is_counted_at_the_next_page_view(make, cw, committed):
    sent = referral(cw, make.household("330402007"), follow_up_on=TODAY + 2 * DAY)
    assert badge.count(cw, TODAY) == 1

    # Closing the referral is a conditional UPDATE (save_versioned), not Model.save.
    committed(lambda: services.referral_transition(actor=cw, referral=sent, target="failed", reason="联系不上"))

    assert badge.count(cw, TODAY) == 0


def test_a_review_task_opened_by_a_change_report_is_counted(make, cw, committed):
    household = make.household("330402007")
    household.caseworkers.add(cw)
    assert badge.count(cw, TODAY) == 0

    committed(lambda: open_review_task(household=household, reason=ReviewReason.CHANGE_REPORT, today=TODAY))

    assert badge.count(cw, TODAY) == 1


def test_a_write_in_another_township_leaves_the_badge_in_the_cache(make, cw, committed, django_assert_num_queries):
    elsewhere = make.user(Role.CASEWORKER, "330402008")
    other_household = make.household("330402008")
    offer = resource(elsewhere, "330402008")
    assert badge.count(cw, TODAY) == 0

    committed(lambda: referral(elsewhere, other_household, res=offer, follow_up_on=TODAY))

    with django_assert_num_queries(0):
        assert badge.count(cw, TODAY) == 0


def test_a_write_the_cache_was_not_told_of_is_not_counted_until_the_pass_moves_the_city_stamp(make, cw):
    household = make.household("330402007")
    assert badge.count(cw, TODAY) == 0
    # Without its commit callbacks (as a raw SQL write would be): the cached count stays...
    referral(cw, household, follow_up_on=TODAY)
    assert badge.count(cw, TODAY) == 0

    # ...until the nightly pass, which writes in SQL in every township, moves the city's stamp.
    review_pass_finished.send(sender=None, run=None, run_on=TODAY)

    assert badge.count(cw, TODAY) == 1


def test_the_next_day_and_a_new_area_are_counted_afresh(make, cw, django_assert_num_queries):
    referral(cw, make.household("330402007"), sent_on=TODAY - 3 * DAY, follow_up_on=TODAY + 8 * DAY)
    assert badge.count(cw, TODAY) == 0  # outside the 7-day window today

    with django_assert_num_queries(1):
        assert badge.count(cw, TODAY + DAY) == 1  # the window reaches it tomorrow

    cw.area = Area.objects.get(code="330402008")
    with django_assert_num_queries(1):
        assert badge.count(cw, TODAY + DAY) == 0  # its township is no longer the user's


def test_the_badge_on_the_page_follows_a_task_added_after_the_first_view(make, cw, login, committed):
    household = make.household("330402007")
    client = login(cw)
    assert 'class="badge"' not in client.get("/caseworkers/tasks/").content.decode()

    committed(lambda: referral(cw, household, follow_up_on=TODAY))

    page = client.get("/caseworkers/tasks/").content.decode()
    assert '<span class="badge">1</span>' in page
