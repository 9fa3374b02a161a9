"""Other apps add sections to the dossier page by registering them in households.sections."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from households import sections
from households.sections import sections_for
from jiuzhu.models import Role
from tests.households.sectionapp.sections import sections as stand_in

pytestmark = pytest.mark.django_db
TEMPLATES_DIR = Path(__file__).parents[1] / "templates"


@pytest.fixture
def extra_app(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}]
    sections.register(stand_in)
    yield
    sections.unregister(stand_in)


def test_registered_sections_are_collected_in_order(make, extra_app):
    household = make.household(members=1)
    user = make.user(Role.CASEWORKER, "330402007")
    found = sections_for(household=household, user=user)
    # households' own sections (plan, reviews) come too; the stand-in's two in their order.
    assert [s.title for s in found if s.template_name == "households/_test_section.html"] == ["帮扶计划", "第二节"]


def test_the_apps_register_their_sections_at_start_up(make):
    household = make.household(members=1)
    user = make.user(Role.CASEWORKER, "330402007")
    templates = [s.template_name for s in sections_for(household=household, user=user)]
    assert templates == [
        "households/plans/_dossier_plan.html",
        "households/review/_dossier_section.html",
        "caseworkers/_dossier_referrals.html",
        "caseworkers/_dossier_services.html",
    ]


def test_registering_twice_adds_the_section_once(make, extra_app):
    sections.register(stand_in)
    household = make.household(members=1)
    user = make.user(Role.CASEWORKER, "330402007")
    assert len([s for s in sections_for(household=household, user=user) if s.title == "第二节"]) == 1


def test_dossier_page_shows_the_extra_sections(make, login, extra_app):
    household = make.household(members=1)
    user = make.user(Role.CASEWORKER, "330402007")
    html = login(user).get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "帮扶计划" in html and f"second {household.dossier_no}" in html
    assert html.index("帮扶计划") < html.index("第二节")
