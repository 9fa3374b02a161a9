"""Demo data of the dynamic review: a few verifications and enrolments around the standard,
change reports, and one run of the nightly pass. Deterministic (rng) and idempotent.

Wired into ``households/demo.py`` at merge: ``review_demo.seed(rng=rng, users=users, stdout=stdout)``
after the households exist.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from households.models import (
    ChangeKind,
    ChangeReport,
    Enrolment,
    Household,
    Verification,
)
from households.review import nightly as review_pass
from households.review import services as review_services
from jiuzhu.models import PolicyParameters

DEMO_TODAY = datetime.date(2026, 11, 1)
TOWNSHIP = "330402007"
CHANGES = [
    (ChangeKind.JOB, "户主", "户主在本地工厂找到全职工作，月工资约3000元。"),
    (ChangeKind.ILLNESS, "村（社区）网格员", "家庭成员确诊慢性病，需长期服药。"),
    (ChangeKind.MEMBERS, "户籍比对", "子女户口迁出，家庭人口减少一人。"),
    (ChangeKind.INCOME, "经济状况核对", "核对发现新增个体经营收入。"),
]


def seed(*, rng, users: dict, stdout) -> None:
    if ChangeReport.objects.filter(household__township__code=TOWNSHIP).exists():
        stdout.write("review: demo data already present")
        return
    households = list(Household.objects.filter(township__code=TOWNSHIP, status="active").order_by("pk")[:12])
    if not households:
        stdout.write("review: no demo households to review")
        return
    row = PolicyParameters.objects.for_county(households[0].county, DEMO_TODAY.year)
    standard = row.dibao_standard if row else Decimal("1000.00")
    caseworker = users["demo-caseworker"]
    # Incomes around the edges the pass looks at: below, equal to, a cent above the standard,
    # inside and above the 低边 band; half of them enrolled in 低保.
    factors = ["0.50", "0.90", "1.00", "1.001", "1.30", "2.00"]
    for index, household in enumerate(households):
        if not Verification.objects.filter(household=household).exists():
            per_capita = (standard * Decimal(rng.choice(factors))).quantize(Decimal("0.01"))
            Verification.objects.create(
                household=household,
                verified_on=DEMO_TODAY - datetime.timedelta(days=rng.randrange(10, 420)),
                source="township",
                members_counted=max(household.member_count, 1),
                income_wages=per_capita * max(household.member_count, 1),
                total_income=per_capita * max(household.member_count, 1),
                per_capita_income=per_capita,
                income_from_new_work=rng.random() < 0.3,
                recorded_by=caseworker,
            )
        if index % 2 == 0 and not Enrolment.objects.filter(household=household).exists():
            Enrolment.objects.create(
                household=household,
                category="dibao",
                start_on=datetime.date(2025, 3, 1),
                monthly_amount=Decimal(rng.choice(["300.00", "450.00", "600.00"])),
            )
        if index % 4 == 1:
            Household.objects.filter(pk=household.pk).update(
                next_review_on=DEMO_TODAY - datetime.timedelta(days=rng.randrange(0, 30))
            )
    for household, (kind, source, text) in zip(households[::3], CHANGES, strict=False):
        review_services.change_report_create(
            actor=caseworker,
            household=household,
            kind=kind,
            source=source,
            description=text,
            date=DEMO_TODAY - datetime.timedelta(days=rng.randrange(1, 20)),
            today=DEMO_TODAY,
        )
    run = review_pass.run_review(run_on=DEMO_TODAY)
    stdout.write(f"review: {ChangeReport.objects.count()} change reports; review run {run.run_on}: {run.counts}")
