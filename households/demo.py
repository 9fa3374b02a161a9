"""Demo households: realistic, deterministic, idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from households import rules, services
from households.models import Household, HouseholdStatus, Relation
from jiuzhu.models import Area

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕春梅晓东丹玲浩然子涵雨欣梓萱宇轩一诺"
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
        for _n in range(count):
            household = services.household_create(
                actor=users["demo-admin"], township=township,
                registered_on=today - datetime.timedelta(days=rng.randrange(30, 1500)),
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
                    born = datetime.date(min(head_born.year + rng.randrange(20, 35), 2024), rng.randrange(1, 13), rng.randrange(1, 29))
                male = rng.random() < 0.5
                services.member_add(
                    actor=users["demo-admin"], household=household, name=person_name(rng),
                    id_number=id_number(rng, township.county.code if not township.county.is_functional_zone else township.parent.code, born, male),
                    relation_to_head=relation, today=today,
                    monthly_income=Decimal(rng.choice([0, 0, 300, 600, 900, 1200, 1800])),
                )
            created += 1
    stdout.write(f"households: {created} demo households created")
