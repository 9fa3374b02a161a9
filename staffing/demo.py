"""Demo staffing data for 南湖区 and 秀洲区: deterministic (seeded rng, fixed dates) and idempotent.

Two townships are left without a caseworker (大桥镇, 洪合镇) so the compliance gap shows;
one contract ends soon and one runs only 2 years; one caseworker was last in the
cohort in 2024 and 2025 (dismissal due); one has no 2025 appraisal; one is past the
R-6 qualification deadline and one close to it; one township got less than required
for 2025.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from jiuzhu.models import Area, Role, User
from jiuzhu.periods import last_day_from
from staffing import rules, selectors, services
from staffing.models import Caseworker

COUNTIES = ("330402", "330411")
UNSTAFFED = {"330402105", "330411106"}
ORGANIZATIONS = {
    "330402": ("嘉兴市南湖区惠民社会工作服务中心", "52330402MJA"),
    "330411": ("嘉兴市秀洲区同心社会工作服务社", "52330411MJB"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉萍红"
TODAY = datetime.date(2026, 11, 29)
APPRAISAL_YEARS = (2023, 2024, 2025)


def credit_code(prefix: str, n: int) -> str:
    first17 = f"{prefix}{n:06d}"
    return first17 + rules.credit_code_check_character(first17)


def id_number(rng, county_code: str, born: datetime.date) -> str:
    from households.rules import id_check_character

    first17 = f"{county_code}{born:%Y%m%d}{rng.randrange(100, 999):03d}"
    return first17 + id_check_character(first17)


def seed(*, rng, users: dict, stdout) -> None:
    admin = users["demo-admin"]
    if Caseworker.objects.filter(user=users["demo-caseworker"]).exists():
        stdout.write("staffing: demo data already present")
        return
    organizations = {}
    for code, (name, prefix) in ORGANIZATIONS.items():
        county = Area.objects.get(code=code)
        organizations[code] = services.organization_create(
            actor=admin,
            county=county,
            name=name,
            credit_code=credit_code(prefix, rng.randrange(100000, 999999)),
            registration_authority=f"{county.name}民政局",
            registered_on=datetime.date(2016, 3, 8),
            legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN),
            address=f"{county.name}中山路88号",
            contact_person=rng.choice(SURNAMES) + rng.choice(GIVEN),
            contact_phone="0573-82000000",
        )

    townships = list(
        Area.objects.townships()
        .filter(county__code__in=COUNTIES)
        .exclude(code__in=UNSTAFFED)
        .select_related("county")
        .order_by("code")
    )
    by_user = {u.area.code: u for u in (users["demo-caseworker"], users["demo-caseworker2"])}
    created: list[Caseworker] = []
    for index, township in enumerate(townships):
        user = by_user.get(township.code)
        if user is None:
            user, _new = User.objects.get_or_create(
                username=f"demo-sw-{township.code}",
                defaults={
                    "role": Role.CASEWORKER,
                    "area": township,
                    "first_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                },
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        hire = datetime.date(2019 + index % 5, 1 + index % 12, 1 + index % 27)
        born = datetime.date(rng.randrange(1986, 1996), rng.randrange(1, 13), rng.randrange(1, 28))
        qualified = index % 3 != 0
        level = "intermediate" if qualified else ("assistant" if index % 2 else "none")
        if index == 3:  # past the R-6 deadline
            hire, level = datetime.date(2021, 6, 1), "none"
        if index == 6:  # deadline within 180 days
            hire, level = datetime.date(2022, 3, 1), "assistant"
        cw = services.caseworker_create(
            actor=admin,
            user=user,
            township=township,
            id_number=id_number(rng, township.county.code, born),
            today=TODAY,
            name=user.first_name or user.username,
            hukou_place=f"浙江省嘉兴市{township.name}",
            hukou_in_jiaxing=True,
            education=rng.choice(["college", "bachelor", "bachelor", "master"]),
            full_time_education=True,
            work_years=Decimal(rng.randrange(2, 9)),
            civil_affairs_or_community_experience=rng.random() < 0.5,
            qualification_level=level,
            qualification_date=(hire + datetime.timedelta(days=400)) if level != "none" else None,
            from_household_in_difficulty=rng.random() < 0.1,
            hire_date=hire,
            organization=organizations[township.county.code],
            full_time=True,
        )
        # One 3-year contract; one ends soon, one runs only 2 years.
        start = hire
        end = last_day_from(start, years=3)
        while end < TODAY:
            start = end + datetime.timedelta(days=1)
            end = last_day_from(start, years=3)
        if index == 1:
            end = datetime.date(2027, 1, 31)
        if index == 2:
            end = last_day_from(start, years=2)
        services.employment_contract_create(
            actor=admin,
            caseworker=cw,
            organization=organizations[township.county.code],
            start=start,
            end=end,
            monthly_pay=Decimal("5800.00"),
            township_reference_pay=Decimal("5600.00"),
            social_insurance=True,
            signed_on=start - datetime.timedelta(days=7),
        )
        services.service_contract_create(
            actor=admin,
            township=township,
            organization=organizations[township.county.code],
            contract_no=f"{township.code}-{start.year}",
            start=start,
            end=end,
            amount=Decimal("180000.00"),
            posts=1,
        )
        created.append(cw)

    dismissal = created[4]
    skip_2025 = created[5]
    for county_code in COUNTIES:
        cohort = [cw for cw in created if cw.county.code == county_code]
        for year in APPRAISAL_YEARS:
            members = [cw for cw in cohort if cw.hire_date.year < year and not (cw is skip_2025 and year == 2025)]
            scores = {cw.pk: Decimal(rng.randrange(75, 98)) for cw in members}
            if dismissal in members and year in (2024, 2025):
                scores[dismissal.pk] = Decimal(70)
            ranked = sorted(members, key=lambda cw: (-scores[cw.pk], cw.pk))
            for rank, cw in enumerate(ranked, start=1):
                score = scores[cw.pk]
                grade = "excellent" if score >= 93 else "qualified" if score >= 72 else "basically_qualified"
                services.appraisal_create(
                    actor=admin,
                    caseworker=cw,
                    year=year,
                    score=score,
                    grade=grade,
                    rank=rank,
                    cohort_size=len(ranked),
                    cohort_basis="county",
                    reward_given=grade == "excellent",
                )

    # 2025 transfers: what the rule requires, except one township paid 10,000 yuan short.
    short_done = False
    for county in Area.objects.filter(code__in=COUNTIES).order_by("code"):
        for row in selectors.county_funding(county=county, year=2025).rows:
            if row.line.required <= 0:
                continue
            amount = row.line.required
            if not short_done:
                amount, short_done = amount - Decimal("10000.00"), True
            services.transfer_create(
                actor=admin,
                township=row.township,
                year=2025,
                amount=amount,
                paid_on=datetime.date(2025, 6, 30),
                document_no=f"{county.name}财社〔2025〕12号",
            )
    services.staffing_alerts_run(today=TODAY)
    stdout.write(f"staffing: {len(created)} caseworkers, 2 organizations, appraisals and 2025 transfers created")
