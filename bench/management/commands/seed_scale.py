"""Synthetic households at province scale, bulk-loaded (COPY on PostgreSQL).

    python manage.py seed_scale --households 100000

Valid unique ID numbers, 1–6 members, categories in realistic shares, verifications,
surveys, assessments, enrolments with history, spread over five years and over every
township; then (bench/extras.py) caseworkers with their staffing files and transfers per
township, applications in every state, plans with goals and actions, referrals, service
records, change reports and past reviews, and finally the real nightly review pass (run as
of 30 days ago, so the open review lists are realistic and today's pass still has work).
Deterministic for a given --seed. Refused when DEBUG is off unless --force.

    python manage.py seed_scale --extras-only   # add the newer rows to households loaded without them
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench import bulk, extras
from households.models import (
    Assessment,
    AssessmentNeed,
    DossierSequence,
    Enrolment,
    EnrolmentStatusChange,
    Household,
    Member,
    Survey,
    Verification,
)
from households.rules import dossier_requirements, id_check_character, missing_mask
from jiuzhu import crypto
from jiuzhu.models import Area, Role, User

CATEGORY_SHARES = [("dibao", 45), ("low_income", 33), ("tekun", 10), ("temporary", 5), ("medical", 4), ("education", 3)]
DOMAINS = ["living", "schooling", "employment", "medical", "housing", "psychological", "social_support", "care"]
LEVELS = ["none", "none", "low", "medium", "high"]
DAYS_OF_BIRTH = 80 * 365
BIRTH_BASE = datetime.date(1940, 1, 1)
SYNTHETIC_REQUIREMENTS = [r.code for r in dossier_requirements("dibao")]


class Command(BaseCommand):
    help = "Bulk-load N synthetic households with their files (for the benchmark)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--chunk", type=int, default=10_000)
        parser.add_argument("--force", action="store_true")
        parser.add_argument(
            "--extras-only",
            action="store_true",
            help="only add the newer rows (applications, plans, ...) to households that lack them",
        )
        parser.add_argument("--no-review", action="store_true", help="do not run the review pass at the end")

    def handle(
        self,
        *args,
        households: int,
        seed: int,
        chunk: int,
        force: bool,
        extras_only: bool = False,
        no_review: bool = False,
        **options,
    ):
        if not settings.DEBUG and not force:
            raise CommandError("seed_scale writes synthetic people: refused when DEBUG is off (use --force).")
        townships = list(Area.objects.townships().select_related("parent", "county").order_by("code"))
        if not townships:
            raise CommandError("No townships: run `manage.py load_areas` (or seed_demo) first.")
        actor = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
            "bench-admin", password=None, role=Role.ADMIN
        )
        rng = random.Random(seed)
        # Missing items from a generator of their own, so the rest of the data stays the
        # same for a given --seed as before households kept them.
        self.missing_rng = random.Random(seed * 7_919 + 1)
        self.today = timezone.localdate()
        self.actor_id = actor.pk
        self.per_county: dict[str, int] = {}
        for township in townships:
            # Continue numbering after what a previous run left.
            self.per_county.setdefault(township.parent.code, Member.objects.count())
        started = time.perf_counter()
        self.ref = extras.setup_reference(actor=actor, townships=townships, today=self.today)
        done = 0
        while done < households and not extras_only:
            size = min(chunk, households - done)
            with transaction.atomic():
                first = bulk.next_id(Household)
                self._load_chunk(rng, townships, size)
                extras.load_extras(
                    rng,
                    first_id=first,
                    last_id=first + size - 1,
                    ref=self.ref,
                    today=self.today,
                    actor_id=self.actor_id,
                )
            done += size
            elapsed = time.perf_counter() - started
            self.stdout.write(f"  {done:>9,} / {households:,} households  ({done / elapsed:,.0f}/s)")
            self.stdout.flush()
        missing = extras.households_without_extras()
        while missing:
            first, last = missing[0], min(missing[1], missing[0] + chunk - 1)
            with transaction.atomic():
                extras.load_extras(
                    random.Random(seed * 1_000_003 + first),
                    first_id=first,
                    last_id=last,
                    ref=self.ref,
                    today=self.today,
                    actor_id=self.actor_id,
                )
            self.stdout.write(f"  extras up to household {last:,}  ({time.perf_counter() - started:.0f} s)")
            self.stdout.flush()
            missing = extras.households_without_extras()
        self._finish(townships)
        if not no_review:
            from households.review.nightly import run_review

            run = run_review(run_on=self.today - datetime.timedelta(days=30))
            self.stdout.write(f"  review pass as of {run.run_on}: {run.counts}")
            # Statistics again: the pass opened ~100,000 review tasks per 100,000 households
            # after the ANALYZE above; with the stale estimate (1 row) the candidates panel
            # planned nested loops (100k households: 1.5 s instead of 0.4 s).
            _analyze()
        loaded = "extras only" if extras_only else f"{households:,} households"
        self.stdout.write(self.style.SUCCESS(f"seed_scale: {loaded} in {time.perf_counter() - started:.1f} s"))

    # 1. households 2. members (head first) 3. enrolments + history 4. verifications
    # 5. surveys 6. assessments + needs; ids are assigned here so children need no read-back.
    def _load_chunk(self, rng, townships, size):
        hh_id, m_id = bulk.next_id(Household), bulk.next_id(Member)
        en_id, ver_id = bulk.next_id(Enrolment), bulk.next_id(Verification)
        sv_id, as_id = bulk.next_id(Survey), bulk.next_id(Assessment)
        now = timezone.now()
        hh_rows, m_rows, en_rows, ch_rows, ver_rows, sv_rows, pres_rows, as_rows, need_rows = ([] for _ in range(9))
        for n in range(size):
            township = townships[rng.randrange(len(townships))]
            registered = self.today - datetime.timedelta(days=rng.randrange(30, 5 * 365))
            members = rng.choices([1, 2, 3, 4, 5, 6], weights=[22, 30, 24, 14, 7, 3])[0]
            status = rng.choices(["active", "pending", "exited"], weights=[78, 10, 12])[0]
            hid = hh_id + n
            head_id = m_id
            last_visit = self.today - datetime.timedelta(days=rng.randrange(0, 400))
            hh_rows.append(
                {
                    "id": hid,
                    "dossier_no": f"{township.code}-S{hid:08d}",
                    "township_id": township.pk,
                    "county_id": township.county_id,
                    "address": f"{township.name}{rng.randrange(1, 999)}号",
                    "phone": f"13{rng.randrange(100000000, 999999999)}",
                    "head_id": None,
                    "registered_on": registered,
                    "status": status,
                    "risk_level": rng.choice(["low", "low", "medium", "high"]),
                    "income_stable": rng.random() < 0.7,
                    "last_visit_on": last_visit,
                    "next_review_on": last_visit + datetime.timedelta(days=rng.choice([182, 365])),
                    "completeness": rng.choice([40, 60, 75, 85, 90, 100, 100]),
                    "member_count": members,
                    "latest_assessment_id": None,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            income_total = Decimal(0)
            for index in range(members):
                income = Decimal(rng.choice([0, 0, 0, 300, 600, 900, 1500, 2500]))
                income_total += income
                m_rows.append(self._member(rng, m_id, hid, township, index, income, registered, now))
                m_id += 1
            if status != "pending":
                category = rng.choices([c for c, _ in CATEGORY_SHARES], weights=[w for _, w in CATEGORY_SHARES])[0]
                start = registered + datetime.timedelta(days=rng.randrange(10, 60))
                ended = status == "exited"
                en_rows.append(
                    {
                        "id": en_id,
                        "household_id": hid,
                        "member_id": None,
                        "category": category,
                        "status": "ended" if ended else "active",
                        "start_on": start,
                        "end_on": start + datetime.timedelta(days=rng.randrange(180, 900)) if ended else None,
                        "monthly_amount": Decimal(rng.randrange(200, 2400)),
                        "decision_no": f"民救〔{start.year}〕{en_id}号",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                ch_rows.append(
                    {
                        "enrolment_id": en_id,
                        "from_status": "",
                        "to_status": "active",
                        "on": start,
                        "reason": "",
                        "decision_no": "",
                        "by_id": self.actor_id,
                        "at": now,
                    }
                )
                if ended:
                    ch_rows.append(
                        {
                            "enrolment_id": en_id,
                            "from_status": "active",
                            "to_status": "ended",
                            "on": start + datetime.timedelta(days=200),
                            "reason": "收入超过标准",
                            "decision_no": "",
                            "by_id": self.actor_id,
                            "at": now,
                        }
                    )
                en_id += 1
            for _v in range(rng.choice([1, 1, 2, 3])):
                per_capita = (income_total / members).quantize(Decimal("0.01"))
                ver_rows.append(
                    {
                        "id": ver_id,
                        "household_id": hid,
                        "verified_on": self.today - datetime.timedelta(days=rng.randrange(0, 5 * 365)),
                        "source": rng.choice(["township", "county_centre"]),
                        "report_no": f"HD{ver_id}",
                        "members_counted": members,
                        "income_wages": income_total,
                        "total_income": income_total,
                        "per_capita_income": per_capita,
                        "classification": "dibao"
                        if per_capita < 1200
                        else ("low_income" if per_capita <= 1800 else "above"),
                        "recorded_by_id": self.actor_id,
                        "created_at": now,
                    }
                )
                ver_id += 1
            for _s in range(rng.choice([0, 1, 1, 2])):
                sv_rows.append(
                    {
                        "id": sv_id,
                        "household_id": hid,
                        "visited_on": self.today - datetime.timedelta(days=rng.randrange(0, 5 * 365)),
                        "housing": rng.choice(["own", "rent", "public"]),
                        "housing_condition": rng.choice(["good", "fair", "poor"]),
                        "household_confirmed": True,
                        "recorded_by_id": self.actor_id,
                        "created_at": now,
                    }
                )
                pres_rows.append({"survey_id": sv_id, "user_id": self.actor_id})
                sv_id += 1
            if rng.random() < 0.7:
                as_rows.append(
                    {
                        "id": as_id,
                        "household_id": hid,
                        "assessed_on": self.today - datetime.timedelta(days=rng.randrange(0, 3 * 365)),
                        "priority": rng.choice(["urgent", "high", "normal", "low"]),
                        "summary": "",
                        "assessed_by_id": self.actor_id,
                        "created_at": now,
                    }
                )
                for domain in DOMAINS:
                    need_rows.append(
                        {"assessment_id": as_id, "domain": domain, "level": rng.choice(LEVELS), "note": ""}
                    )
                hh_rows[-1]["latest_assessment_id"] = as_id  # the household's only assessment
                as_id += 1
            # Foreign keys are checked at commit (Django makes them deferrable), so the
            # household may name its head before the member row is loaded.
            hh_rows[-1]["head_id"] = head_id
            hh_rows[-1]["missing_items"] = self._missing_items(hh_rows[-1]["completeness"])
        bulk.insert(Household, hh_rows)
        bulk.insert(Member, m_rows)
        bulk.insert(Enrolment, en_rows)
        bulk.insert(EnrolmentStatusChange, ch_rows)
        bulk.insert(Verification, ver_rows)
        bulk.insert(Survey, sv_rows)
        bulk.insert(Survey.present.through, pres_rows)
        bulk.insert(Assessment, as_rows)
        bulk.insert(AssessmentNeed, need_rows)

    def _missing_items(self, percent: int) -> int:
        """A synthetic bitmask of missing items roughly in line with the synthetic percent
        (the share of the usual thirteen requirements missing; none at 100 %)."""
        missing = round((100 - percent) * len(SYNTHETIC_REQUIREMENTS) / 100)
        return missing_mask(self.missing_rng.sample(SYNTHETIC_REQUIREMENTS, missing))

    def _member(self, rng, member_id, household_id, township, index, income, registered, now) -> dict:
        county = township.parent.code
        n = self.per_county[county]
        self.per_county[county] = n + 1
        born = BIRTH_BASE + datetime.timedelta(days=n % DAYS_OF_BIRTH)
        serial = n // DAYS_OF_BIRTH + 1
        first17 = f"{county}{born:%Y%m%d}{serial:03d}"
        normal = first17 + id_check_character(first17)
        return {
            "id": member_id,
            "household_id": household_id,
            "name": f"居民{member_id}",
            "id_number_cipher": crypto.encrypt(normal),
            "id_number_digest": crypto.blind_index(normal),
            "id_number_masked": f"{normal[:6]}********{normal[-4:]}",
            "relation_to_head": "head" if index == 0 else ("spouse" if index == 1 else "child"),
            "sex": "M" if serial % 2 else "F",
            "birth_date": born,
            "hukou_place": township.name,
            "labour_ability": rng.choice(["full", "partial", "none"]),
            "health": rng.choice(["healthy", "healthy", "chronic", "serious", "disability"]),
            "school_stage": "none",
            "employment": rng.choice(["employed", "flexible", "unemployed", "farming", "retired"]),
            "monthly_income": income,
            "phone": "",
            "active": True,
            "joined_on": registered,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }

    def _finish(self, townships):
        from caseworkers.models import Referral, ServiceRecord
        from households.models import (
            Application,
            ApplicationEvent,
            ChangeReport,
            Plan,
            PlanAction,
            PlanGoal,
            PlanReview,
            ReviewTask,
        )

        bulk.reset_sequences(
            Household,
            Member,
            Enrolment,
            EnrolmentStatusChange,
            Verification,
            Survey,
            Assessment,
            AssessmentNeed,
            Application,
            ApplicationEvent,
            Plan,
            PlanGoal,
            PlanAction,
            PlanReview,
            Referral,
            ServiceRecord,
            ChangeReport,
            ReviewTask,
            Household.caseworkers.through,
            ServiceRecord.households.through,
            Survey.present.through,
        )
        # Dossier numbers stay unique after synthetic ones: bump each township's sequence.
        for township in townships:
            DossierSequence.objects.get_or_create(township=township)
        _analyze()


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM too: a freshly loaded table has an empty visibility map, so PostgreSQL
            # cannot answer the pages' counts from an index alone (at 1 M households, the
            # county API's count read 150,000 heap rows: ~240 ms). VACUUM cannot run in a
            # transaction (a test's): there, ANALYZE alone.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
