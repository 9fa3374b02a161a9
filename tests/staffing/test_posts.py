"""Post history: transfers and re-hires start new posts; earlier years keep their townships and funding."""

from __future__ import annotations

import importlib
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditEvent, Role
from staffing import exports, selectors, services
from staffing.models import Caseworker, CaseworkerPost, CaseworkerStatus
from tests import factories
from tests.staffing import builders

pytestmark = pytest.mark.django_db
JIANSHE, JIEFANG = "330402007", "330402008"


def _lines(year: int) -> dict[str, tuple]:
    figures = selectors.county_funding(county=factories.area("330402"), year=year)
    return {r.township.code: (r.caseworkers, r.caseworker_days, r.line) for r in figures.rows}


def _transfer(cw, township: str, on: date, full_time: bool = True):
    return services.caseworker_transfer(
        actor=builders.admin(),
        caseworker=cw,
        township=factories.area(township),
        full_time=full_time,
        on=on,
        expected_version=cw.version,
    )


def test_moving_a_caseworker_in_2024_keeps_2022_and_2023_and_splits_2024_pro_rata():
    cw = builders.caseworker(JIANSHE, hire=date(2022, 1, 1), name="王丽")
    before = {year: _lines(year) for year in (2022, 2023)}

    _transfer(cw, JIEFANG, date(2024, 4, 10))

    assert {year: _lines(year) for year in (2022, 2023)} == before
    assert before[2023][JIANSHE][0] == ["王丽"] and before[2023][JIEFANG][0] == []
    split = _lines(2024)
    # 2024 has 366 days: 1 January to 9 April = 100 days at 建设街道, the other 266 at 解放街道.
    assert split[JIANSHE][1] == [100] and split[JIEFANG][1] == [266]
    assert split[JIANSHE][2].caseworker_years == Decimal("0.273224")
    assert split[JIANSHE][2].required == Decimal("13661.20")
    assert split[JIEFANG][2].required == Decimal("36338.80")
    data = exports.transfer_workbook(counties=[factories.area("330402")], year=2024, generated_on=date(2025, 1, 5))
    ws = openpyxl.load_workbook(io.BytesIO(data))["南湖区2024"]
    assert [ws["D3"].value, ws["D4"].value] == ["王丽(100天)", "王丽(266天)"]
    summary = selectors.county_funding(county=factories.area("330402"), year=2024).summary_line()
    assert summary.caseworkers == 1  # one person, two townships


def test_a_transfer_ends_the_post_the_day_before_and_is_audited():
    cw = builders.caseworker(JIANSHE, hire=date(2022, 1, 1))
    _transfer(cw, JIEFANG, date(2024, 4, 10))

    posts = list(cw.posts.order_by("start_on").values_list("township__code", "start_on", "end_on"))
    assert posts == [(JIANSHE, date(2022, 1, 1), date(2024, 4, 9)), (JIEFANG, date(2024, 4, 10), None)]
    cw.refresh_from_db()
    assert (cw.township.code, cw.version) == (JIEFANG, 2)
    assert AuditEvent.objects.for_object(cw).filter(action="update").count() == 1
    assert AuditEvent.objects.filter(target_type="staffing.caseworkerpost").count() == 3  # 2 created, 1 closed
    assert cw.status_changes.last().reason.startswith("→ 解放街道")


def test_a_transfer_on_or_before_the_current_post_start_is_refused():
    cw = builders.caseworker(JIANSHE, hire=date(2024, 1, 1))
    with pytest.raises(RuleViolation) as error:
        _transfer(cw, JIEFANG, date(2024, 1, 1))
    assert error.value.field == "on"
    with pytest.raises(RuleViolation) as error:
        _transfer(cw, JIANSHE, date(2024, 6, 1))  # the post they already hold
    assert error.value.field == "township"
    assert cw.posts.count() == 1


def test_going_part_time_is_a_new_post_and_stops_the_funding_from_that_day():
    cw = builders.caseworker(JIANSHE, hire=date(2025, 1, 1))
    _transfer(cw, JIANSHE, date(2025, 7, 1), full_time=False)
    assert _lines(2025)[JIANSHE][1] == [181]  # January to June


def test_a_plain_edit_cannot_move_a_started_post():
    cw = builders.caseworker(JIANSHE, hire=date(2022, 1, 1))
    with pytest.raises(RuleViolation) as error:
        services.caseworker_update(
            actor=builders.admin(),
            caseworker=cw,
            expected_version=cw.version,
            township=factories.area(JIEFANG),
            today=date(2024, 6, 1),
        )
    assert error.value.field == "township"
    with pytest.raises(RuleViolation):
        services.caseworker_update(
            actor=builders.admin(),
            caseworker=Caseworker.objects.get(pk=cw.pk),
            expected_version=cw.version,
            full_time=False,
            today=date(2024, 6, 1),
        )
    cw.refresh_from_db()
    assert (cw.township.code, cw.full_time) == (JIANSHE, True)
    assert list(cw.posts.values_list("township__code", "full_time")) == [(JIANSHE, True)]


def test_an_edit_before_the_first_day_corrects_the_post():
    cw = builders.caseworker(JIANSHE, hire=date(2027, 3, 1))
    services.caseworker_update(
        actor=builders.admin(),
        caseworker=cw,
        expected_version=cw.version,
        township=factories.area(JIEFANG),
        hire_date=date(2027, 4, 1),
        today=date(2027, 2, 1),
    )
    post = cw.posts.get()
    assert (post.township.code, post.start_on) == (JIEFANG, date(2027, 4, 1))


def test_the_hire_date_is_fixed_once_there_is_a_second_post():
    cw = builders.caseworker(JIANSHE, hire=date(2022, 1, 1))
    _transfer(cw, JIEFANG, date(2024, 4, 10))
    cw.refresh_from_db()
    with pytest.raises(RuleViolation) as error:
        services.caseworker_update(
            actor=builders.admin(), caseworker=cw, expected_version=cw.version, hire_date=date(2021, 1, 1)
        )
    assert error.value.field == "hire_date"


def test_leaving_closes_the_post_and_a_rehire_starts_a_new_one_after_a_gap():
    cw = builders.caseworker(JIANSHE, hire=date(2023, 1, 1))
    services.caseworker_change_status(actor=builders.admin(), caseworker=cw, status="left", on=date(2024, 3, 31))
    assert cw.posts.get().end_on == date(2024, 3, 31)
    with pytest.raises(RuleViolation) as error:
        services.caseworker_rehire(
            actor=builders.admin(),
            caseworker=cw,
            township=factories.area(JIEFANG),
            full_time=True,
            on=date(2024, 3, 31),
        )
    assert error.value.field == "on"

    services.caseworker_rehire(
        actor=builders.admin(),
        caseworker=cw,
        township=factories.area(JIEFANG),
        full_time=True,
        on=date(2024, 7, 1),
        expected_version=cw.version,
    )

    cw.refresh_from_db()
    assert (cw.status, cw.left_on, cw.township.code) == (CaseworkerStatus.IN_POST, None, JIEFANG)
    lines = _lines(2024)
    assert (lines[JIANSHE][1], lines[JIEFANG][1]) == ([91], [184])  # April to June out of post, unfunded
    assert _lines(2023)[JIANSHE][1] == [365]
    assert [s.to_status for s in cw.status_changes.all()] == ["in_post", "left", "in_post"]


def test_a_dismissed_caseworker_is_not_rehired_nor_transferred():
    cw = builders.caseworker(JIANSHE, hire=date(2023, 1, 1))
    services.caseworker_change_status(actor=builders.admin(), caseworker=cw, status="dismissed", on=date(2024, 3, 31))
    with pytest.raises(RuleViolation):
        services.caseworker_rehire(
            actor=builders.admin(), caseworker=cw, township=factories.area(JIEFANG), full_time=True, on=date(2024, 7, 1)
        )
    with pytest.raises(RuleViolation):
        _transfer(cw, JIEFANG, date(2024, 7, 1))
    assert cw.posts.count() == 1


def test_the_board_keeps_the_old_county_staffed_until_the_transfer():
    cw = builders.caseworker(JIANSHE, hire=date(2018, 1, 1))
    _transfer(cw, "330411002", date(2024, 4, 10))  # to 秀洲区
    board = selectors.county_board(county=factories.area("330402"), today=date(2024, 6, 1))
    gaps = {row.township.code: row.open_gap_since for row in board.gaps}
    assert gaps[JIANSHE] == date(2024, 4, 10)


def test_the_data_migration_gives_each_existing_caseworker_one_post():
    staying = builders.caseworker(JIANSHE, hire=date(2022, 1, 1))
    leaving = builders.caseworker(JIEFANG, hire=date(2023, 5, 1), full_time=False)
    services.caseworker_change_status(actor=builders.admin(), caseworker=leaving, status="left", on=date(2025, 3, 31))
    CaseworkerPost.objects.all().delete()
    migration = importlib.import_module("staffing.migrations.0003_caseworker_posts")

    migration.one_post_per_caseworker(apps, None)

    rows = set(CaseworkerPost.objects.values_list("caseworker_id", "township__code", "full_time", "start_on", "end_on"))
    assert rows == {
        (staying.pk, JIANSHE, True, date(2022, 1, 1), None),
        (leaving.pk, JIEFANG, False, date(2023, 5, 1), date(2025, 3, 31)),
    }


# --------------------------------------------------------------------------- pages


def test_transfer_page_moves_the_caseworker(login):
    cw = builders.caseworker(JIANSHE, hire=date(2022, 1, 1))
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    assert client.get(f"/staffing/caseworkers/{cw.pk}/post/").status_code == 200
    response = client.post(
        f"/staffing/caseworkers/{cw.pk}/post/",
        {"township": factories.area(JIEFANG).pk, "full_time": "on", "on": "2024-04-10", "version": cw.version},
    )
    assert response.status_code == 302
    page = client.get(f"/staffing/caseworkers/{cw.pk}/").content.decode()
    assert "2022-01-01 ~ 2024-04-09 建设街道" in page and "2024-04-10 ~  解放街道" in page


def test_transfer_page_shows_the_reason_in_chinese_and_saves_nothing(login):
    cw = builders.caseworker(JIANSHE, hire=date(2024, 1, 1))
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = client.post(
        f"/staffing/caseworkers/{cw.pk}/post/",
        {"township": factories.area(JIEFANG).pk, "full_time": "on", "on": "2023-12-01", "version": cw.version},
    )
    assert response.status_code == 200
    assert "调动日期须晚于" in response.content.decode()
    assert cw.posts.count() == 1


def test_transfer_page_is_for_the_civil_affairs_writers_of_the_area(login):
    cw = builders.caseworker(JIANSHE, hire=date(2024, 1, 1))
    assert (
        login(factories.user(Role.COUNTY_CIVIL, "330411")).get(f"/staffing/caseworkers/{cw.pk}/post/").status_code
        == 404
    )
    assert (
        login(factories.user(Role.TOWNSHIP_OFFICER, JIANSHE)).get(f"/staffing/caseworkers/{cw.pk}/post/").status_code
        == 403
    )
    assert (
        login(factories.user(Role.COUNTY_FINANCE, "330402")).get(f"/staffing/caseworkers/{cw.pk}/post/").status_code
        == 403
    )
    outside = login(factories.user(Role.COUNTY_CIVIL, "330402")).post(
        f"/staffing/caseworkers/{cw.pk}/post/",
        {"township": factories.area("330411002").pk, "full_time": "on", "on": "2025-01-01"},
    )
    assert outside.status_code == 200 and cw.posts.count() == 1  # 秀洲区 is not a choice for 南湖区


def test_edit_form_refuses_a_township_change_with_a_pointer_to_the_transfer(login):
    cw = builders.caseworker(JIANSHE, hire=date(2022, 1, 1))
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    form = client.get(f"/staffing/caseworkers/{cw.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "user"}
    data.update(
        {"township": factories.area(JIEFANG).pk, "version": cw.version, "full_time": "on", "hukou_in_jiaxing": "on"}
    )
    response = client.post(f"/staffing/caseworkers/{cw.pk}/edit/", data)
    assert response.status_code == 200
    assert "调动或重新聘用" in response.content.decode()
    cw.refresh_from_db()
    assert cw.township.code == JIANSHE and cw.version == 1


def test_transfer_page_query_count_does_not_grow_with_the_post_history(login):
    cw = builders.caseworker(JIANSHE, hire=date(2018, 1, 1))
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    url = f"/staffing/caseworkers/{cw.pk}/post/"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for year in range(2019, 2025):
        cw.refresh_from_db()
        _transfer(cw, JIEFANG if year % 2 else JIANSHE, date(year, 1, 1))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one)
