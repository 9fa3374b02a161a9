"""Other apps add sections to the dossier page through <app>.dossier_sections_extra."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from households.dossier_sections import sections_for
from jiuzhu.models import Role

pytestmark = pytest.mark.django_db
TEMPLATES_DIR = Path(__file__).parent / "templates"


@pytest.fixture
def extra_app(settings):
    settings.JIUZHU_APP_MODULES = ["households", "tests.households.sectionapp", "no_such_app_here"]
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}]


def test_sections_are_collected_in_order_and_missing_apps_skipped(make, extra_app):
    household = make.household(members=1)
    user = make.user(Role.CASEWORKER, "330402007")
    found = sections_for(household=household, user=user)
    # households' own sections (plan, reviews) come too; the stand-in's two in their order.
    assert [s.title for s in found if s.template_name == "households/_test_section.html"] == ["帮扶计划", "第二节"]


def test_dossier_page_shows_the_extra_sections(make, login, extra_app):
    household = make.household(members=1)
    user = make.user(Role.CASEWORKER, "330402007")
    html = login(user).get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "帮扶计划" in html and f"second {household.dossier_no}" in html
    assert html.index("帮扶计划") < html.index("第二节")
