"""Builders for the four roles' tests: assessments straight through the ORM (the dossier
branch builds the assessment form), plans and caseworker records through the services."""

from __future__ import annotations

import datetime

from caseworkers import services
from caseworkers.models import Resource
from households.dossier.services import latest_assessment_refresh
from households.models import Assessment, AssessmentNeed, Household, Plan
from households.plans import services as plan_services
from jiuzhu.models import Area
from tests.clock import TODAY


def assessment(household, user, ratings: dict[str, str] | None = None, on: datetime.date = TODAY) -> Assessment:
    ratings = ratings if ratings is not None else {"living": "high", "employment": "medium", "housing": "none"}
    a = Assessment.objects.create(household=household, assessed_on=on, priority="high", assessed_by=user)
    AssessmentNeed.objects.bulk_create([AssessmentNeed(assessment=a, domain=d, level=lv) for d, lv in ratings.items()])
    latest_assessment_refresh(Household.objects.filter(pk=household.pk))  # as assessment_record keeps it
    return a


def active_plan(household, user, *, due=TODAY, ratings=None) -> Plan:
    plan = plan_services.plan_create_from_assessment(actor=user, assessment=assessment(household, user, ratings))
    for goal in plan.goals.all():
        plan_services.plan_action_add(
            actor=user,
            plan=plan,
            goal=goal,
            kind="case_work",
            description=f"do {goal.text}",
            responsible=user,
            due_on=due,
        )
    plan_services.plan_update(actor=user, plan=plan, agreed_on=TODAY)
    return plan_services.plan_activate(actor=user, plan=plan, today=TODAY)


def resource(user, area_code: str = "330402007", name: str = "Job fair") -> Resource:
    return services.resource_create(
        actor=user,
        area=Area.objects.get(code=area_code),
        name=name,
        kind="government",
        domain="employment",
        provider="人社局",
        contact="123",
    )


def referral(user, household, res=None, **kw):
    sent_on = kw.pop("sent_on", TODAY)
    return services.referral_create(
        actor=user, household=household, resource=res or resource(user), sent_on=sent_on, **kw
    )


def service(user, households, **kw):
    fields = {"method": "case", "service_area": "counselling", "held_on": TODAY, "minutes": 60, "content": "talk"}
    fields.update(kw)
    return services.service_create(actor=user, households=households, **fields)
