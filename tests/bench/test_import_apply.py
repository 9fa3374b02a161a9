"""The legacy import's write step at scale (a fix found by bench/run.py): households the
import creates get head, member count and completeness in one UPDATE per batch, with the
same completeness the services compute, and a query count that does not grow with rows."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from households.dossier import services
from households.models import Household, Relation
from households.roster import imports
from jiuzhu.models import Role

pytestmark = pytest.mark.django_db


def _rows(make, households: int, size: int, key: str = "K") -> list[imports.Row]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(imports.COLUMNS)
    for h in range(households):
        for m in range(size):
            # Every third household without a phone, every other one with a disabled member:
            # different completeness figures.
            sheet.append(
                [
                    f"{key}{h}",
                    "330402007",
                    f"中山路{h}号",
                    "" if h % 3 == 0 else "13800000000",
                    f"居民{h}{m}",
                    make.id_number(),
                    "户主" if m == 0 else "子女",
                    "有",
                    "残疾" if (h % 2 and m == 1) else "健康",
                    "500",
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return imports.read_rows(buffer)


@pytest.fixture
def officer(make):
    make.policy_row("330400", 2026, "1310.00")
    return make.user(Role.TOWNSHIP_OFFICER, "330402007")


def test_imported_households_store_head_count_and_the_services_completeness(make, officer):
    plan = imports.validate(_rows(make, 6, 3), user=officer)
    assert not plan.errors
    imports.apply(plan, actor=officer)

    households = list(Household.objects.select_related("head", "county").order_by("legacy_key"))
    assert len(households) == 6
    for household in households:
        assert household.member_count == 3
        assert household.head.relation_to_head == Relation.HEAD and household.head.household_id == household.pk
        assert household.completeness == services.completeness_of(household).percent
    assert len({h.completeness for h in households}) > 1


def test_import_write_queries_do_not_grow_with_households(make, officer):
    # A first import fills the per-process caches (content types), so both below start warm.
    imports.apply(imports.validate(_rows(make, 1, 1, key="W"), user=officer), actor=officer)
    small = imports.validate(_rows(make, 1, 2), user=officer)
    big = imports.validate(_rows(make, 20, 2, key="B"), user=officer)
    with CaptureQueriesContext(connection) as first:
        imports.apply(small, actor=officer)
    with CaptureQueriesContext(connection) as second:
        imports.apply(big, actor=officer)
    # sequence (select for update, update, re-read), households, members, the county's
    # policy, one UPDATE for head/count/completeness, audit rows (import, households, members):
    # per batch, not per household (SQLite splits inserts of more than ~50 members).
    assert len(first) == len(second)
