"""Demo data: areas, policy parameters, a user for every role, and each app's records.

Deterministic (a seeded random generator) and idempotent (running it twice changes
nothing). Refused when DEBUG is off, unless --force: demo users have a known password.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from jiuzhu.areas import SHIPPED_TOWNSHIPS, load_townships, read_rows
from jiuzhu.models import Area, PolicyParameters, Role, User

DEMO_PASSWORD = "jiuzhu-demo-2026"
# Demo figures, not Jiaxing's published standards: the city bureau enters the real ones.
DEMO_STANDARDS = {2024: Decimal("1205.00"), 2025: Decimal("1256.00"), 2026: Decimal("1310.00")}

# Demo villages and communities of the two demo caseworkers' townships (names and codes
# are demo data): the household form's village list is not empty.
DEMO_VILLAGES = {
    "330402007": [("330402007001", "紫阳社区"), ("330402007002", "梅湾社区"), ("330402007003", "南溪社区")],
    "330411002": [("330411002001", "东升社区"), ("330411002002", "秀园社区"), ("330411002201", "新港村")],
}

DEMO_USERS = [
    # username, role, area code, display name
    ("demo-caseworker", Role.CASEWORKER, "330402007", "王丽"),
    ("demo-caseworker2", Role.CASEWORKER, "330411002", "陈杰"),
    ("demo-township", Role.TOWNSHIP_OFFICER, "330402007", "李明"),
    ("demo-county", Role.COUNTY_CIVIL, "330402", "张华"),
    ("demo-finance", Role.COUNTY_FINANCE, "330402", "刘芳"),
    ("demo-city", Role.CITY_CIVIL, "330400", "赵强"),
    ("demo-city-finance", Role.CITY_FINANCE, "330400", "孙静"),
    ("demo-admin", Role.ADMIN, None, "系统管理员"),
]


class Command(BaseCommand):
    help = "Create demo users for every role and realistic demo records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, force: bool, seed: int, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a published password; refused when DEBUG is off (use --force)."
            )
        rng = random.Random(seed)
        with transaction.atomic():
            rows = list(read_rows(SHIPPED_TOWNSHIPS))
            load_townships(
                rows
                + [
                    {**row, "village_code": code, "village_name": name}
                    for row in rows
                    for code, name in DEMO_VILLAGES.get(row["township_code"], ())
                ]
            )
            city = Area.objects.get(code="330400")
            for year, standard in DEMO_STANDARDS.items():
                PolicyParameters.objects.get_or_create(
                    area=city, year=year, defaults={"dibao_standard": standard, "note": "演示数据（demo figures）"}
                )
            users = {}
            for username, role, code, name in DEMO_USERS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "role": role,
                        "area": Area.objects.get(code=code) if code else None,
                        "first_name": name,
                        "is_staff": role == Role.ADMIN,
                        "is_superuser": role == Role.ADMIN,
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                users[username] = user
            for seeder in settings.JIUZHU_DEMO_SEEDERS:
                import_string(seeder)(rng=rng, users=users, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Users (password %s):" % DEMO_PASSWORD))
        for username, role, code, _name in DEMO_USERS:
            area = Area.objects.filter(code=code).first() if code else None
            self.stdout.write(f"  {username:<20} {Role(role).label} {area.name if area else ''}")
