from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from households.models import (
    Assessment,
    Document,
    Enrolment,
    Household,
    Survey,
    Verification,
)

pytestmark = pytest.mark.django_db


def test_demo_seed_fills_dossiers_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Household, Verification, Survey, Assessment, Document, Enrolment)]
    assert all(counts), counts
    assert Household.objects.filter(completeness__gt=0, next_review_on__isnull=False).exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert [m.objects.count() for m in (Household, Verification, Survey, Assessment, Document, Enrolment)] == counts
