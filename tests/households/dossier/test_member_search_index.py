"""Member-name search is served by a trigram index on PostgreSQL (a leading-wildcard LIKE
cannot use a B-tree): the planner reads the index, not every member."""

import pytest
from django.db import connection, transaction

from households.dossier import selectors
from households.models import Household, Member

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL index (SQLite needs none); CI runs PostgreSQL"
)


def test_a_part_of_a_members_name_finds_the_household(make):
    household = make.household("330402007")
    member = household.members.get()
    member.name = "欧阳春花"
    member.save()
    make.household("330402007")

    assert list(selectors.search(Household.objects.all(), "阳春")) == [household]


@on_postgresql
def test_the_member_name_search_reads_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'households_member_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition

    with transaction.atomic():
        # An empty test table is read faster whole: leave the planner only the scans that
        # need an index condition on the name, as it chooses on a city's million members.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = Member.objects.filter(name__contains="春花").explain()
    assert "Bitmap Index Scan on households_member_name_trgm" in plan
