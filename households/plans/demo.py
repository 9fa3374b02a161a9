"""Demo assistance plans: one per assessed household (if the demo has assessments), some
active with actions (one overdue), one with a superseded earlier version. Idempotent."""

from __future__ import annotations

import datetime

from households.models import ActionKind, Assessment, Plan
from households.plans import services as plan_services

ACTIONS = {
    "living": ("申请临时救助", ActionKind.GOVERNMENT, "临时救助"),
    "schooling": ("落实教育资助", ActionKind.GOVERNMENT, "教育资助"),
    "employment": ("推荐参加技能培训", ActionKind.SKILLS, "职业技能培训"),
    "medical": ("协助申请医疗救助", ActionKind.GOVERNMENT, "医疗救助"),
    "housing": ("联系住房救助", ActionKind.GOVERNMENT, "住房救助"),
    "psychological": ("个案心理辅导", ActionKind.COUNSELLING, ""),
    "social_support": ("链接志愿者结对", ActionKind.VOLUNTEER, "志愿服务"),
    "care": ("申请居家养老服务", ActionKind.SOCIAL, "居家养老服务"),
}


def seed(*, rng, users: dict, stdout) -> None:
    if Plan.objects.exists():
        return
    today = datetime.date(2026, 11, 1)
    created = 0
    for assessment in Assessment.objects.select_related("household").prefetch_related("needs").order_by("id")[:30]:
        if not any(n.level != "none" for n in assessment.needs.all()):
            continue
        actor = next(
            (u for u in users.values() if u.role == "caseworker" and u.area_id == assessment.household.township_id),
            users["demo-admin"],
        )
        plan = plan_services.plan_create_from_assessment(actor=actor, assessment=assessment, summary="演示计划")
        for goal in plan.goals.select_related("need"):
            text, kind, resource = ACTIONS.get(goal.need.domain, ("上门走访", ActionKind.CASE_WORK, ""))
            plan_services.plan_action_add(
                actor=actor,
                plan=plan,
                goal=goal,
                kind=kind,
                description=text,
                responsible=actor if actor.role == "caseworker" else None,
                due_on=today + datetime.timedelta(days=rng.randrange(-20, 60)),
                resource_name=resource,
            )
        if rng.random() < 0.7:
            plan_services.plan_update(
                actor=actor,
                plan=plan,
                agreed_on=today,
                agreed_by_name="户主",
                next_review_on=today + datetime.timedelta(days=90),
            )
            plan_services.plan_activate(actor=actor, plan=plan, today=today)
        created += 1
    stdout.write(f"plans: {created} demo plans created")
