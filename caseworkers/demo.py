"""Demo data of the four roles: resources, referrals in every state, services, publicity,
volunteers, trainings and an approved typical case. Deterministic and idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from caseworkers import services
from caseworkers.models import Resource
from households.models import Household
from jiuzhu.models import Area

RESOURCES = [
    ("330400", "government", "living", "嘉兴市临时救助", "嘉兴市民政局", "突发困难家庭，按规定审批"),
    ("330400", "government", "medical", "医疗救助一站式结算", "嘉兴市医疗保障局", "低保、低边、特困人员"),
    ("330402", "government", "employment", "南湖区职业技能培训补贴", "南湖区人力社保局", "劳动年龄内有就业意愿者"),
    ("330402", "social", "schooling", "春蕾助学金", "南湖区妇联", "在读困难家庭女童"),
    ("330402007", "social", "psychological", "建设街道心理疏导站", "建设街道社工站", "居民免费预约"),
    ("330402007", "social", "housing", "爱心家园修缮", "慈善总会建设街道分会", "危旧住房的困难家庭"),
    ("330411002", "government", "employment", "新城街道公益性岗位", "新城街道", "就业困难人员"),
]


def seed(*, rng, users: dict, stdout) -> None:
    if Resource.objects.exists():
        return
    today = datetime.date(2026, 11, 1)
    creator = {"330400": users["demo-city"], "330402": users["demo-county"]}
    resources = {}
    for code, kind, domain, name, provider, conditions in RESOURCES:
        actor = creator.get(code) or next(
            u for u in users.values() if u.role == "caseworker" and u.area and u.area.code == code
        )
        resources[name] = services.resource_create(
            actor=actor,
            area=Area.objects.get(code=code),
            name=name,
            kind=kind,
            domain=domain,
            provider=provider,
            conditions=conditions,
            contact=f"0573-8{rng.randrange(1000000, 9999999)}",
        )
    cw = users["demo-caseworker"]
    households = list(Household.objects.filter(township=cw.area).order_by("id")[:12])
    if not households:
        stdout.write("caseworkers: no demo households, only resources created")
        return
    usable = [r for r in resources.values() if Resource.objects.in_scope(cw).filter(pk=r.pk).exists()]
    for index, household in enumerate(households[:8]):
        sent = today - datetime.timedelta(days=rng.randrange(5, 60))
        r = services.referral_create(
            actor=cw,
            household=household,
            resource=rng.choice(usable),
            sent_on=sent,
            follow_up_on=today + datetime.timedelta(days=rng.randrange(-5, 20)),
        )
        step = index % 4  # sent, accepted, done, failed
        if step >= 1:
            services.referral_transition(
                actor=cw,
                referral=r,
                target="accepted",
                today=sent + datetime.timedelta(days=3),
                follow_up_on=today + datetime.timedelta(days=7),
            )
        if step == 2:
            services.referral_transition(actor=cw, referral=r, target="done", today=today)
        if step == 3:
            services.referral_transition(actor=cw, referral=r, target="failed", reason="对方名额已满", today=today)
    for household in households[:4]:
        services.service_create(
            actor=cw,
            households=[household],
            method="case",
            service_area="counselling",
            held_on=today - datetime.timedelta(days=rng.randrange(1, 40)),
            minutes=60,
            content="入户个案辅导，了解家庭近况",
            outcome="情绪稳定",
            follow_up_on=today + datetime.timedelta(days=rng.randrange(-3, 30)),
        )
    services.service_create(
        actor=cw,
        households=households[4:9],
        method="group",
        service_area="capacity",
        held_on=today - datetime.timedelta(days=10),
        minutes=120,
        content="就业能力提升小组第一节",
    )
    org = services.organization_create(actor=cw, name="建设街道红马甲志愿服务队", contact="0573-82000000")
    volunteers = [
        services.volunteer_create(
            actor=cw, name=n, organization=org, skills=s, registered_on=today - datetime.timedelta(days=300)
        )
        for n, s in [("周敏", "陪伴, 心理"), ("吴强", "家电维修"), ("郑芳", "政策宣讲")]
    ]
    activity = services.publicity_create(
        actor=cw,
        held_on=today - datetime.timedelta(days=7),
        topics="低保、低边政策解读",
        place="建设街道社区活动中心",
        form="community_talk",
        households=households[:6],
        head_count=45,
        volunteers=volunteers[2:],
    )
    services.publicity_create(
        actor=cw,
        held_on=today - datetime.timedelta(days=2),
        topics="医疗救助",
        place="入户",
        form="home_visit",
        households=households[6:9],
        head_count=8,
    )
    services.assignment_create(
        actor=cw,
        volunteer=volunteers[0],
        task="每周陪伴独居老人",
        household=households[0],
        due_on=today + datetime.timedelta(days=5),
    )
    services.assignment_create(actor=cw, volunteer=volunteers[2], task="宣讲活动签到", activity=activity, due_on=today)
    services.training_create(
        actor=users["demo-county"],
        title="社会救助政策培训",
        audience="caseworkers",
        topic="policy",
        held_on=today - datetime.timedelta(days=20),
        hours=Decimal(4),
        caseworkers_present=[
            u for u in users.values() if u.role == "caseworker" and u.area.county_id == users["demo-county"].area_id
        ],
    )
    services.training_create(
        actor=cw,
        title="志愿者入户服务技巧",
        audience="volunteers",
        topic="practice",
        held_on=today - datetime.timedelta(days=15),
        hours=Decimal(2),
        volunteers_present=volunteers,
    )
    services.feedback_create(
        actor=cw, kind="problem", title="低边家庭就业收入核算口径不一", body="建议明确渐退期收入扣减办法。"
    )
    case = services.case_create(
        actor=cw,
        title="从“输血”到“造血”：一户一策帮扶就业",
        domain="employment",
        body="某户主因病失业，社工链接技能培训与公益性岗位，半年后家庭收入稳定。（已匿名）",
    )
    services.case_transition(actor=cw, case=case, target="submitted", anonymised=True)
    services.case_transition(actor=users["demo-county"], case=case, target="approved", today=today)
    stdout.write("caseworkers: demo resources, referrals, services, publicity, volunteers, trainings, a typical case")
