"""The newer models for seed_scale: staffing, applications, plans, referrals, services, reviews.

``setup_reference`` makes the small, per-area rows once (policy standards, caseworkers with
their users, organizations, contracts, transfers, resources); it is idempotent, so a second
seed_scale run (or ``--extras-only``) reuses them. ``load_extras`` adds the per-household
rows for a range of household ids, reading back what the base loader wrote (households,
enrolments, latest assessment and its needs) with a handful of range queries, and writes
everything with ``bulk.insert`` (COPY on PostgreSQL). Deterministic for a given rng.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max

from bench import bulk
from households.models import (
    Application,
    ApplicationEvent,
    Assessment,
    AssessmentNeed,
    ChangeReport,
    Enrolment,
    Household,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    ReviewTask,
)
from households.rules import id_check_character
from jiuzhu import crypto
from jiuzhu.models import Area, PolicyParameters, Role, User

STANDARDS = {
    2022: Decimal("1105.00"),
    2023: Decimal("1155.00"),
    2024: Decimal("1205.00"),
    2025: Decimal("1256.00"),
    2026: Decimal("1310.00"),
}
CASEWORKERS_PER_TOWNSHIP = 3
RESOURCES_PER_COUNTY = 12
OPEN_STATES = ["draft", "submitted", "investigating", "notice", "under_review"]
ACTION_KINDS = ["government", "social", "volunteer", "case_work", "counselling", "skills"]
ACTION_STATES = ["planned", "in_progress", "in_progress", "done", "done", "cancelled"]
RESOURCE_DOMAINS = ["living", "schooling", "employment", "medical", "housing", "psychological"]


def setup_reference(*, actor, townships: list[Area], today: datetime.date) -> dict:
    """Policy rows, caseworkers per township (users, staffing profiles, contracts), transfers
    and resources. Returns {"caseworkers": {township id: [user ids]}, "resources": {county id: [ids]}}."""
    from caseworkers.models import Resource
    from staffing.models import (
        Caseworker,
        CaseworkerPost,
        CaseworkerStatusChange,
        EmploymentContract,
        ServiceContract,
        SocialOrganization,
        TransferPayment,
    )

    city = Area.objects.filter(level="city").order_by("code").first()
    for year, standard in STANDARDS.items():
        PolicyParameters.objects.get_or_create(
            area=city, year=year, defaults={"dibao_standard": standard, "note": "seed_scale"}
        )
    counties = {t.county_id: t.county for t in townships}
    orgs = {o.county_id: o for o in SocialOrganization.objects.filter(name__startswith="基准社工服务中心")}
    new_orgs = [
        SocialOrganization(
            name=f"基准社工服务中心{c.code}",
            credit_code=f"52{c.code}BENCH{i:05d}"[:18],
            county=c,
            registered_on=datetime.date(2018, 1, 1),
        )
        for i, c in enumerate(counties.values())
        if c.pk not in orgs
    ]
    for org in SocialOrganization.objects.bulk_create(new_orgs):
        orgs[org.county_id] = org
    existing = set(User.objects.filter(username__startswith="bench-cw-").values_list("username", flat=True))
    users = [
        User(username=f"bench-cw-{t.code}-{k}", role=Role.CASEWORKER, area=t, first_name=f"社工{t.code[-3:]}{k}")
        for t in townships
        for k in range(1, CASEWORKERS_PER_TOWNSHIP + 1)
        if f"bench-cw-{t.code}-{k}" not in existing
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    by_name = dict(User.objects.filter(username__startswith="bench-cw-").values_list("username", "pk"))
    caseworker_users = {
        t.pk: [by_name[f"bench-cw-{t.code}-{k}"] for k in range(1, CASEWORKERS_PER_TOWNSHIP + 1)] for t in townships
    }
    profiled = set(Caseworker.objects.values_list("user_id", flat=True))
    profiles = []
    for index, t in enumerate(townships):
        for k, user_id in enumerate(caseworker_users[t.pk], start=1):
            if user_id in profiled:
                continue
            # Unique per county: the serial numbers the caseworkers of all townships in turn.
            first17 = f"{t.county.code}1990{(k % 12) + 1:02d}01{(index * CASEWORKERS_PER_TOWNSHIP + k) % 1000:03d}"
            normal = first17 + id_check_character(first17)
            profiles.append(
                Caseworker(
                    user_id=user_id,
                    name=f"社工{t.code[-3:]}{k}",
                    id_number_cipher=crypto.encrypt(normal),
                    id_number_digest=crypto.blind_index(normal),
                    id_number_masked=f"{normal[:6]}********{normal[-4:]}",
                    birth_date=datetime.date(1990, (k % 12) + 1, 1),
                    education="bachelor",
                    hire_date=datetime.date(2021, 3, 1),
                    township=t,
                    county_id=t.county_id,
                    organization=orgs[t.county_id],
                    qualification_level="assistant" if k % 2 else "none",
                    qualification_date=datetime.date(2022, 6, 1) if k % 2 else None,
                )
            )
    profiles = Caseworker.objects.bulk_create(profiles)
    CaseworkerPost.objects.bulk_create(
        [
            CaseworkerPost(
                caseworker=p,
                township_id=p.township_id,
                county_id=p.county_id,
                full_time=p.full_time,
                start_on=p.hire_date,
            )
            for p in profiles
        ]
    )
    CaseworkerStatusChange.objects.bulk_create(
        [
            CaseworkerStatusChange(caseworker=p, from_status="", to_status="in_post", on=p.hire_date, actor=actor)
            for p in profiles
        ]
    )
    EmploymentContract.objects.bulk_create(
        [
            EmploymentContract(
                caseworker=p,
                organization=p.organization,
                start=p.hire_date,
                monthly_pay=Decimal("6800.00"),
                township_reference_pay=Decimal("6500.00"),
                signed_on=p.hire_date,
            )
            for p in profiles
        ]
    )
    if not ServiceContract.objects.filter(contract_no__startswith="BENCH-").exists():
        ServiceContract.objects.bulk_create(
            [
                ServiceContract(
                    township=t,
                    county_id=t.county_id,
                    organization=orgs[t.county_id],
                    contract_no=f"BENCH-{t.code}-{year}",
                    start=datetime.date(year, 1, 1),
                    end=datetime.date(year, 12, 31),
                    amount=Decimal("240000.00"),
                    posts=CASEWORKERS_PER_TOWNSHIP,
                )
                for t in townships
                for year in range(today.year - 4, today.year + 1)
            ]
        )
        TransferPayment.objects.bulk_create(
            [
                TransferPayment(
                    township=t,
                    county_id=t.county_id,
                    year=year,
                    amount=Decimal("120000.00"),
                    paid_on=datetime.date(year, half * 6, 15),
                    document_no=f"BENCH-{t.code}-{year}-{half}",
                )
                for t in townships
                for year in range(today.year - 4, today.year + 1)
                for half in (1, 2)
                if datetime.date(year, half * 6, 15) <= today
            ]
        )
    if not Resource.objects.filter(provider="seed_scale").exists():
        Resource.objects.bulk_create(
            [
                Resource(
                    name=f"{c.name}资源{k}",
                    kind="government" if k % 2 else "social",
                    domain=RESOURCE_DOMAINS[k % 6],
                    provider="seed_scale",
                    area=c,
                    created_by=actor,
                )
                for c in counties.values()
                for k in range(RESOURCES_PER_COUNTY)
            ]
        )
    resources = defaultdict(list)
    for pk, area_id in Resource.objects.filter(provider="seed_scale").values_list("pk", "area_id"):
        resources[area_id].append(pk)
    return {"caseworkers": caseworker_users, "resources": dict(resources)}


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC)


def load_extras(rng, *, first_id: int, last_id: int, ref: dict, today: datetime.date, actor_id: int) -> dict:
    """Per-household rows for households first_id..last_id (both included)."""
    from caseworkers.models import Referral, ServiceRecord

    in_range = {"household_id__gte": first_id, "household_id__lte": last_id}
    households = list(
        Household.objects.filter(pk__gte=first_id, pk__lte=last_id)
        .order_by("pk")
        .values_list("pk", "township_id", "county_id", "status", "registered_on")
    )
    enrolments = defaultdict(list)
    for row in (
        Enrolment.objects.filter(**in_range)
        .order_by("pk")
        .values_list("household_id", "pk", "category", "start_on", "monthly_amount", "status")
    ):
        enrolments[row[0]].append(row[1:])
    latest = {}
    for hid, aid in (
        Assessment.objects.filter(**in_range)
        .order_by("household_id", "assessed_on", "pk")
        .values_list("household_id", "pk")
    ):
        latest[hid] = aid
    needs = defaultdict(list)
    for aid, nid, domain, level in (
        AssessmentNeed.objects.filter(assessment_id__in=list(latest.values()))
        .exclude(level="none")
        .order_by("pk")
        .values_list("assessment_id", "pk", "domain", "level")
    ):
        needs[aid].append((nid, domain, level))
    ids = {m: bulk.next_id(m) for m in (Application, Plan, PlanGoal, ServiceRecord, ChangeReport)}
    out = defaultdict(list)
    township_households = defaultdict(list)
    for hid, township_id, county_id, status, registered in households:
        workers = ref["caseworkers"][township_id]
        worker = workers[hid % len(workers)]
        township_households[(township_id, county_id, worker)].append(hid)
        out["assign"].append({"household_id": hid, "user_id": worker})
        _applications(rng, out, ids, hid, status, registered, enrolments.get(hid, []), worker, today)
        aid = latest.get(hid)
        if aid and status == "active" and needs.get(aid) and rng.random() < 0.35:
            _plan(rng, out, ids, hid, aid, needs[aid], worker, today)
        resources = ref["resources"].get(county_id) or []
        if resources and rng.random() < 0.15:
            for _k in range(rng.choice([1, 1, 2])):
                sent = today - _days(rng.randrange(0, 3 * 365))
                state = rng.choice(["sent", "accepted", "done", "done", "failed"])
                out["referral"].append(
                    {
                        "household_id": hid,
                        "resource_id": resources[hid % len(resources)],
                        "status": state,
                        "sent_on": sent,
                        "accepted_on": sent + _days(7) if state != "sent" else None,
                        "closed_on": sent + _days(60) if state in ("done", "failed") else None,
                        "failure_reason": "不符合条件" if state == "failed" else "",
                        "follow_up_on": sent + _days(30),
                        "created_by_id": worker,
                    }
                )
        if rng.random() < 0.03:
            out["change"].append(
                {
                    "id": ids[ChangeReport],
                    "household_id": hid,
                    "kind": rng.choice(["income", "members", "job", "illness", "moving"]),
                    "date": today - _days(rng.randrange(1, 400)),
                    "source": "村（社区）报告",
                    "description": "家庭情况变化",
                    "reported_by_id": worker,
                }
            )
            ids[ChangeReport] += 1
        # Reviews done in past years: closed tasks (the nightly pass adds the open ones).
        for year_back in range(1, 1 + rng.choice([0, 1, 2, 3])):
            due = today - _days(365 * year_back - rng.randrange(0, 120))
            out["review"].append(
                {
                    "household_id": hid,
                    "reason": "due",
                    "created_on": due - _days(5),
                    "due_on": due,
                    "assigned_to_id": worker,
                    "status": "closed",
                }
            )
    # Service records: group work for a few households of one caseworker at a time.
    for (township_id, county_id, worker), group in sorted(township_households.items()):
        for start in range(0, len(group), 6):
            if rng.random() < 0.5:
                continue
            sid = ids[ServiceRecord]
            ids[ServiceRecord] += 1
            held = today - _days(rng.randrange(0, 2 * 365))
            out["service"].append(
                {
                    "id": sid,
                    "township_id": township_id,
                    "county_id": county_id,
                    "created_by_id": worker,
                    "method": rng.choice(["case", "group", "community"]),
                    "service_area": rng.choice(["integration", "counselling", "capacity", "livelihood"]),
                    "held_on": held,
                    "minutes": rng.choice([30, 45, 60, 90]),
                    "content": "入户服务",
                    "created_at": _at(held),
                }
            )
            out["service_households"] += [
                {"servicerecord_id": sid, "household_id": h} for h in group[start : start + 3]
            ]
    bulk.insert(Household.caseworkers.through, out["assign"])
    bulk.insert(Application, out["application"])
    bulk.insert(ApplicationEvent, out["event"])
    bulk.insert(Plan, out["plan"])
    bulk.insert(PlanGoal, out["goal"])
    bulk.insert(PlanAction, out["action"])
    bulk.insert(PlanReview, out["plan_review"])
    bulk.insert(Referral, out["referral"])
    bulk.insert(ServiceRecord, out["service"])
    bulk.insert(ServiceRecord.households.through, out["service_households"])
    bulk.insert(ChangeReport, out["change"])
    bulk.insert(ReviewTask, out["review"])
    return {key: len(rows) for key, rows in out.items()}


def _applications(rng, out, ids, hid, status, registered, enrolments, worker, today):
    def add(row, steps):
        aid = ids[Application]
        ids[Application] += 1
        out["application"].append(
            {
                "id": aid,
                "household_id": hid,
                "helped_by_id": worker,
                "submitted_by_id": worker,
                "created_at": _at(row["received_on"]),
                **row,
            }
        )
        for action, on, from_status, to_status in steps:
            out["event"].append(
                {
                    "application_id": aid,
                    "action": action,
                    "on": on,
                    "by_id": worker,
                    "from_status": from_status,
                    "to_status": to_status,
                    "at": _at(on),
                }
            )

    for enrolment_id, category, start, amount, _status in enrolments:
        if rng.random() < 0.5:
            received = start - _days(30)
            add(
                {
                    "category": category,
                    "status": "approved",
                    "received_on": received,
                    "investigation_started_on": received + _days(2),
                    "investigation_completed_on": received + _days(12),
                    "notice_start": received + _days(13),
                    "notice_end": received + _days(20),
                    "notice_closed_on": received + _days(20),
                    "decided_on": start - _days(1),
                    "decided_by_id": worker,
                    "approved_category": category,
                    "monthly_amount": amount,
                    "start_on": start,
                    "decision_no": f"民救〔{start.year}〕A{enrolment_id}号",
                    "enrolment_id": enrolment_id,
                    "delivered_on": start + _days(3),
                },
                [
                    ("create", received, "", "draft"),
                    ("submit", received, "draft", "submitted"),
                    ("decide", start - _days(1), "under_review", "approved"),
                ],
            )
    if status == "pending":
        state = rng.choice(OPEN_STATES)
        received = today - _days(rng.randrange(1, 60))
        add(
            {
                "category": rng.choice(["dibao", "low_income", "temporary"]),
                "status": state,
                "received_on": received,
                "investigation_started_on": received + _days(2)
                if state in ("investigating", "notice", "under_review")
                else None,
            },
            [("create", received, "", "draft")]
            + ([("submit", received, "draft", "submitted")] if state != "draft" else []),
        )
    elif rng.random() < 0.03:
        received = max(registered, today - _days(rng.randrange(30, 700)))
        add(
            {
                "category": "dibao",
                "status": "rejected",
                "received_on": received,
                "decided_on": received + _days(40),
                "decided_by_id": worker,
                "reason": "家庭人均收入高于当地低保标准",
            },
            [("create", received, "", "draft"), ("decide", received + _days(40), "under_review", "rejected")],
        )


def _plan(rng, out, ids, hid, assessment_id, needs, worker, today):
    pid = ids[Plan]
    ids[Plan] += 1
    activated = today - _days(rng.randrange(10, 700))
    out["plan"].append(
        {
            "id": pid,
            "household_id": hid,
            "number": 1,
            "assessment_id": assessment_id,
            "status": "active",
            "summary": "帮扶计划",
            "agreed_on": activated,
            "agreed_by_name": "户主",
            "activated_on": activated,
            "next_review_on": activated + _days(180),
            "created_by_id": worker,
            "created_at": _at(activated),
        }
    )
    for need_id, domain, _level in needs[:3]:
        gid = ids[PlanGoal]
        ids[PlanGoal] += 1
        out["goal"].append({"id": gid, "plan_id": pid, "need_id": need_id, "text": f"改善{domain}状况"})
        for _k in range(rng.choice([1, 2])):
            state = rng.choice(ACTION_STATES)
            due = activated + _days(rng.randrange(30, 360))
            out["action"].append(
                {
                    "plan_id": pid,
                    "goal_id": gid,
                    "kind": rng.choice(ACTION_KINDS),
                    "description": "落实帮扶措施",
                    "responsible_id": worker,
                    "due_on": due,
                    "status": state,
                    "done_on": min(due, today) if state == "done" else None,
                }
            )
    if activated < today - _days(180):
        out["plan_review"].append(
            {
                "plan_id": pid,
                "reviewed_on": activated + _days(180),
                "progress": {},
                "summary": "按计划推进",
                "next_review_on": activated + _days(360),
                "reviewed_by_id": worker,
            }
        )


def households_without_extras() -> tuple[int, int] | None:
    """The id range of households loaded without their extras (no caseworker assigned)."""
    through = Household.caseworkers.through
    done = through.objects.aggregate(m=Max("household_id"))["m"] or 0
    last = Household.objects.aggregate(m=Max("pk"))["m"] or 0
    return (done + 1, last) if last > done else None
