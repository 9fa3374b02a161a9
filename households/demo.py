"""Demo households: realistic, deterministic, idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from households import rules
from households.dossier import services
from households.models import (
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Household,
    HouseholdStatus,
    NeedDomain,
    Relation,
    SurveyMemberCheck,
)
from households.plans import demo as plan_demo
from households.procedure import demo as procedure_demo
from households.review import demo as review_demo
from jiuzhu.models import Area, AreaLevel, Role

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕春梅晓东丹玲浩然子涵雨欣梓萱宇轩一诺"
)
VILLAGE_STREETS = ["中山路", "建国路", "勤俭路", "禾兴路", "解放路", "少年路", "环城路", "文昌路"]
DEMO_TOWNSHIPS = {"330402007": 24, "330411002": 12, "330402008": 6, "330421102": 6}


def person_name(rng) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def id_number(rng, county_code: str, born: datetime.date, male: bool) -> str:
    sequence = rng.randrange(0, 100) * 10 + rng.randrange(0, 5) * 2 + (1 if male else 0)
    first17 = f"{county_code}{born:%Y%m%d}{sequence:03d}"
    return first17 + rules.id_check_character(first17)


def seed(*, rng, users: dict, stdout) -> None:
    today = datetime.date(2026, 11, 1)
    created = 0
    for code, count in DEMO_TOWNSHIPS.items():
        township = Area.objects.get(code=code)
        if Household.objects.filter(township=township).exists():
            continue
        caseworkers = [u for u in users.values() if u.area_id == township.pk and u.role == "caseworker"]
        villages = list(Area.objects.filter(level=AreaLevel.VILLAGE, township=township).order_by("code"))
        for n in range(count):
            household = services.household_create(
                actor=users["demo-admin"],
                township=township,
                # In turn, not drawn: the random sequence (and so the rest of the demo) stays as it was.
                village=villages[n % len(villages)] if villages else None,
                # Opened before any of the file's dated records below (at most 420 days old).
                registered_on=today - datetime.timedelta(days=420 + rng.randrange(30, 1500)),
                address=f"{township.name}{rng.choice(VILLAGE_STREETS)}{rng.randrange(1, 300)}号",
                phone=f"13{rng.randrange(100000000, 999999999)}",
                status=rng.choice([HouseholdStatus.ACTIVE] * 4 + [HouseholdStatus.PENDING]),
            )
            household.caseworkers.set(caseworkers)
            head_born = datetime.date(rng.randrange(1945, 1990), rng.randrange(1, 13), rng.randrange(1, 29))
            size = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
            for index in range(size):
                if index == 0:
                    relation, born = Relation.HEAD, head_born
                elif index == 1:
                    relation, born = Relation.SPOUSE, head_born + datetime.timedelta(days=rng.randrange(-1500, 1500))
                else:
                    relation = Relation.CHILD
                    born = datetime.date(
                        min(head_born.year + rng.randrange(20, 35), 2024), rng.randrange(1, 13), rng.randrange(1, 29)
                    )
                male = rng.random() < 0.5
                services.member_add(
                    actor=users["demo-admin"],
                    household=household,
                    name=person_name(rng),
                    id_number=id_number(
                        rng,
                        township.county.code if not township.county.is_functional_zone else township.parent.code,
                        born,
                        male,
                    ),
                    relation_to_head=relation,
                    today=today,
                    monthly_income=Decimal(rng.choice([0, 0, 300, 600, 900, 1200, 1800])),
                )
            created += 1
    stdout.write(f"households: {created} demo households created")
    seed_records(rng=rng, users=users, today=today, stdout=stdout)
    # The other parts of the dossier build on these households, in this order.
    procedure_demo.seed(rng=rng, users=users, stdout=stdout)
    review_demo.seed(rng=rng, users=users, stdout=stdout)
    plan_demo.seed(rng=rng, users=users, stdout=stdout)


def _demo_pdf(title: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% jiuzhu demo document: " + title.encode() + b"\n%%EOF\n", name="demo.pdf")


def seed_records(*, rng, users: dict, today: datetime.date, stdout) -> None:
    """The investigator's work on a realistic share of the demo households: verifications,
    home visits (where two staff of the township exist), assessments, documents, and
    enrolments with their status history. Households that already have a verification
    are left alone; each household's choices come from a generator seeded by its dossier
    number, so a household that got nothing gets nothing again: a second run changes nothing."""
    import random

    actor = users["demo-admin"]
    done = 0
    households = (
        Household.objects.filter(
            township__code__in=DEMO_TOWNSHIPS,
            verifications__isnull=True,
            surveys__isnull=True,
            assessments__isnull=True,
            documents__isnull=True,
        )
        .select_related("township", "county")
        .order_by("dossier_no")
    )
    for household in households:
        rng = random.Random(household.dossier_no)
        staff = [
            u
            for u in users.values()
            if u.area_id == household.township_id and u.role in (Role.CASEWORKER, Role.TOWNSHIP_OFFICER)
        ]
        members = list(household.members.filter(active=True))
        if rng.random() < 0.75 and members:
            income = sum((m.monthly_income for m in members), Decimal(0))
            verification = services.verification_record(
                actor=actor,
                household=household,
                source="township",
                verified_on=today - datetime.timedelta(days=rng.randrange(10, 420)),
                income_wages=income,
                income_transfer=Decimal(rng.choice([0, 0, 150, 300])),
                deposits=Decimal(rng.choice([0, 2000, 8000, 30000])),
            )
            if household.status == HouseholdStatus.ACTIVE and verification.classification in (
                rules.DIBAO,
                rules.LOW_INCOME,
            ):
                _enrol(rng, household, verification, today)
        if len(staff) >= 2 and members and rng.random() < 0.7:
            services.survey_record(
                actor=staff[0],
                household=household,
                present=staff[:2],
                today=today,
                visited_on=today - datetime.timedelta(days=rng.randrange(5, 300)),
                housing=rng.choice(["own", "own", "rent", "public", "borrowed"]),
                housing_condition=rng.choice(["good", "fair", "fair", "poor", "dangerous"]),
                appliances=rng.choice(["电视、冰箱", "电视、洗衣机", "冰箱", ""]),
                needs_observed=rng.choice(["", "屋顶漏水，需维修", "老人行动不便，需照料", "孩子上学交通困难"]),
                household_confirmed=True,
                confirmed_by_name=members[0].name,
                checks=[
                    {
                        "member": m.pk,
                        "outcome": rng.choice(
                            [SurveyMemberCheck.Outcome.CONFIRMED] * 4 + [SurveyMemberCheck.Outcome.ABSENT]
                        ),
                        "note": "",
                    }
                    for m in members
                ],
            )
        if rng.random() < 0.6:
            services.assessment_record(
                actor=actor,
                household=household,
                assessed_on=today - datetime.timedelta(days=rng.randrange(0, 200)),
                ratings={d: rng.choice(["none", "none", "low", "medium", "high"]) for d in NeedDomain.values},
            )
        for kind in ("id_copy", "household_register", "income_proof"):
            if rng.random() < 0.55:
                services.document_upload(actor=actor, household=household, kind=kind, upload=_demo_pdf(kind))
        services.completeness_refresh(household, today=today)
        done += 1
    stdout.write(f"households: dossier records for {done} demo households")


def _enrol(rng, household, verification, today: datetime.date) -> None:
    policy = services.policy_for(household, verification.verified_on.year)
    category = verification.classification
    amount = Decimal("0.00")
    if category == rules.DIBAO and policy is not None:
        amount = rules.dibao_monthly_amount(
            per_capita_income=rules.per_capita_exact(
                total=verification.total_income, members=verification.members_counted
            ),
            members=verification.members_counted,
            policy=policy,
        )
    start = verification.verified_on + datetime.timedelta(days=rng.randrange(10, 40))
    start = min(start, today)
    enrolment = Enrolment.objects.create(
        household=household,
        category=category,
        start_on=start,
        monthly_amount=amount,
        decision_no=f"南民救〔{start.year}〕{rng.randrange(1, 400)}号",
    )
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment,
        to_status=EnrolmentStatus.ACTIVE,
        on=start,
        reason="审核确认",
        decision_no=enrolment.decision_no,
    )
    if rng.random() < 0.15:
        on = min(start + datetime.timedelta(days=rng.randrange(60, 200)), today)
        Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.GRADUAL_EXIT)
        EnrolmentStatusChange.objects.create(
            enrolment=enrolment,
            from_status=EnrolmentStatus.ACTIVE,
            to_status=EnrolmentStatus.GRADUAL_EXIT,
            on=on,
            reason="家庭收入增加，进入渐退期",
        )
