"""A small run of seed_scale and the benchmark, so that neither can rot."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from households.models import Enrolment, Household, Member, Verification

pytestmark = pytest.mark.django_db


def test_seed_scale_loads_valid_unique_people_in_every_share(settings):
    settings.DEBUG = True

    call_command("seed_scale", households=400, chunk=150)

    assert Household.objects.count() == 400
    members = Member.objects.count()
    assert 400 <= members <= 6 * 400
    assert Member.objects.values("id_number_digest").distinct().count() == members
    assert set(Enrolment.objects.values_list("category", flat=True)) >= {"dibao", "low_income", "tekun"}
    assert Verification.objects.count() >= 400
    head = Household.objects.select_related("head").first().head
    from households.rules import check_id_number

    assert check_id_number(head.id_number, today=head.birth_date.replace(year=2026)).valid


def test_benchmark_runs_every_measure_and_writes_json(settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_scale", households=300)
    from bench import run

    out = tmp_path / "bench.json"
    assert run.main(["--repeat", "1", "--roster-households", "150", "--import-rows", "120", "--json", str(out)]) == 0

    results = json.loads(out.read_text())
    assert results["households"] == 300
    measures = results["measures"]
    assert set(measures) == {name for name, _fn in run.MEASURES}
    for figure in measures.values():
        assert figure["p95_ms"] > 0 and figure["queries"] > 0
    for name in ("city dashboard (cache off: every panel computed)", "county dashboard (city user, ?area=county)"):
        assert measures[name]["reference"]["statements"] > 0  # the page's GROUP BYs, re-run raw
    review = measures["nightly review pass (then a second run)"]
    assert review["first_run_created"] > 0 and review["second_run_created"] == 0
    roster = measures["roster export (county officer, full IDs)"]
    assert 0 < roster["households"] <= 150 and roster["rows"] >= roster["households"]
    imported = measures["legacy import (read + full validation + write)"]
    assert imported["member_rows"] == 120 and imported["created"][1] == 120
    # Everything the benchmark wrote (review tasks, imported households) was rolled back.
    assert Household.objects.count() == 300
