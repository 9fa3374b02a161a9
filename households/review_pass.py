"""The nightly dynamic review (应保尽保、应退尽退), set-based.

One ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per reason (PostgreSQL and SQLite both
accept it; the partial unique index ``review_one_open_per_reason`` is the conflict), each
in its own transaction, so a crash leaves every reason either fully written or not at all
and a re-run finishes the job. No Python loop over households.

The comparisons mirror ``households.rules.review`` exactly (低保: income strictly below the
standard; 低边: income equal to the line still counts). The county's policy is resolved
with ``PolicyParameters.objects.for_county`` (the county's row, else the city's, latest year
not after the run year) — one small query per county-level unit, not per household — and
joined into the SQL as a ``VALUES`` table. The 低边 line is taken from ``Policy`` rather than
computed in SQL: SQLite has no decimal arithmetic, and rounding ``standard × multiple`` in
SQL would disagree with the rules at half-cent ties.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from households import rules
from households.models import (
    Household,
    ReviewReason,
    ReviewRun,
    ReviewStatus,
    ReviewTask,
    RunStatus,
)
from households.signals import review_pass_finished
from jiuzhu import audit
from jiuzhu.models import Area, AreaLevel, AuditAction, PolicyParameters
from jiuzhu.policy import Policy

logger = logging.getLogger(__name__)

# Enrolment statuses in which a household counts as enrolled in a category.
ENROLLED = ("active", "gradual_exit", "suspended")
TASK_COLUMNS = ("household_id", "reason", "created_on", "due_on", "assigned_to_id", "status", "verification_id",
                "per_capita_income", "line", "suggested_category", "income_rose_from_work", "gradual_exit_months",
                "run_id", "version")


def county_policies(run_on: date) -> dict[int, Policy]:
    """The policy in force for every county-level unit in the run year (no row: no policy)."""
    policies = {}
    for county in Area.objects.filter(level=AreaLevel.COUNTY).only("pk", "city_id"):
        row = PolicyParameters.objects.for_county(county, run_on.year)
        if row is not None:
            policies[county.pk] = row.as_policy(run_on.year)
    return policies


def _policy_table(policies: dict[int, Policy], run_on: date) -> tuple[str, list]:
    """The policies as a derived table (a ``UNION ALL`` of one-row SELECTs: SQLite has no
    column list on ``VALUES``, and a leading ``WITH`` would hide the insert's row count)."""
    rows, params = [], []
    for county_id, policy in sorted(policies.items()):
        rows.append("SELECT CAST(%s AS INTEGER) AS county_id, CAST(%s AS NUMERIC) AS standard, "
                    "CAST(%s AS NUMERIC) AS low_line, CAST(%s AS INTEGER) AS gradual_months, %s AS valid_from")
        params += [county_id, str(rules.money(policy.dibao_standard)), str(policy.low_income_line),
                   policy.gradual_exit_months, rules.verification_valid_from(today=run_on, policy=policy)]
    return "(" + " UNION ALL ".join(rows) + ")", params


def _tables() -> dict[str, str]:
    return {
        "h": Household._meta.db_table,
        "v": "households_verification",
        "e": "households_enrolment",
        "t": ReviewTask._meta.db_table,
        "hc": Household.caseworkers.through._meta.db_table,
    }


LATEST_VERIFICATION = (
    "(SELECT v2.id FROM {v} v2 WHERE v2.household_id = h.id ORDER BY v2.verified_on DESC, v2.id DESC LIMIT 1)"
)
ASSIGNEE = "(SELECT MIN(hc.user_id) FROM {hc} hc WHERE hc.household_id = h.id)"


def _enrolled(categories: tuple[str, ...]) -> str:
    cats = ", ".join(f"'{c}'" for c in categories)
    states = ", ".join(f"'{s}'" for s in ENROLLED)
    return f"EXISTS (SELECT 1 FROM {{e}} e2 WHERE e2.household_id = h.id AND e2.category IN ({cats}) AND e2.status IN ({states}))"


def _insert(select_sql: str, params: list, *, policies: tuple[str, list] | None = None) -> int:
    """Run one ``INSERT … SELECT … ON CONFLICT DO NOTHING``; return the rows inserted.

    ``{pol}`` in the SELECT is the policy table; it sits right after ``FROM {h} h``, so its
    parameters go between the select list's placeholders and the rest."""
    names = _tables()
    table_sql, table_params = policies or ("", [])
    names["pol"] = table_sql
    columns = ", ".join(TASK_COLUMNS)
    sql = f"INSERT INTO {names['t']} ({columns}) " + select_sql.format(**names) + " ON CONFLICT DO NOTHING"
    head = select_sql.split("FROM {h} h", 1)[0].count("%s")
    with connection.cursor() as cursor:
        cursor.execute(sql, params[:head] + table_params + params[head:])
        return max(cursor.rowcount, 0)


def insert_due(run: ReviewRun, run_on: date, policies) -> int:
    """Households on the register whose next review date has come (due today, or overdue)."""
    select = (
        "SELECT h.id, CASE WHEN h.next_review_on < %s THEN 'overdue' ELSE 'due' END, %s, h.next_review_on, "
        f"{ASSIGNEE}, 'open', NULL, NULL, NULL, '', %s, NULL, %s, 1 "
        "FROM {h} h WHERE h.status = 'active' AND h.next_review_on <= %s "
        "AND NOT EXISTS (SELECT 1 FROM {t} t2 WHERE t2.household_id = h.id "
        "AND t2.reason IN ('due', 'overdue') AND t2.status IN ('open', 'recorded'))"
    )
    return _insert(select, [run_on, run_on, False, run.pk, run_on])


def insert_exit_candidates(run: ReviewRun, run_on: date, policies) -> int:
    """Enrolled 低保/低边 households whose latest per-capita income is above the category's line."""
    if not policies:
        return 0
    select = (
        "SELECT h.id, 'exit_candidate', %s, %s, " + ASSIGNEE + ", 'open', v.id, v.per_capita_income, "
        "CASE WHEN e.category = 'dibao' THEN p.standard ELSE p.low_line END, "
        "CASE WHEN e.category = 'dibao' AND v.per_capita_income <= p.low_line THEN 'low_income' ELSE '' END, "
        "v.income_from_new_work, CASE WHEN v.income_from_new_work THEN p.gradual_months ELSE NULL END, %s, 1 "
        "FROM {h} h JOIN {pol} p ON p.county_id = h.county_id "
        "JOIN {v} v ON v.id = " + LATEST_VERIFICATION + " "
        "JOIN {e} e ON e.household_id = h.id AND e.status = 'active' AND e.category IN ('dibao', 'low_income') "
        "WHERE h.status <> 'exited' AND ((e.category = 'dibao' AND v.per_capita_income > p.standard) "
        "OR (e.category = 'low_income' AND v.per_capita_income > p.low_line))"
    )
    return _insert(select, [run_on, run_on, run.pk], policies=_policy_table(policies, run_on))


def insert_category_changes(run: ReviewRun, run_on: date, policies) -> int:
    """低保 households whose income now equals the standard (no longer below it)."""
    if not policies:
        return 0
    select = (
        "SELECT h.id, 'category_change', %s, %s, " + ASSIGNEE + ", 'open', v.id, v.per_capita_income, p.standard, "
        "'low_income', v.income_from_new_work, NULL, %s, 1 "
        "FROM {h} h JOIN {pol} p ON p.county_id = h.county_id "
        "JOIN {v} v ON v.id = " + LATEST_VERIFICATION + " "
        "WHERE h.status <> 'exited' AND v.per_capita_income = p.standard "
        "AND EXISTS (SELECT 1 FROM {e} e2 WHERE e2.household_id = h.id AND e2.category = 'dibao' AND e2.status = 'active')"
    )
    return _insert(select, [run_on, run_on, run.pk], policies=_policy_table(policies, run_on))


def insert_inclusion_candidates(run: ReviewRun, run_on: date, policies) -> int:
    """Households on file under the standard (not in 低保) or in the 低边 band (in neither)."""
    if not policies:
        return 0
    dibao, either, tekun = _enrolled(("dibao",)), _enrolled(("dibao", "low_income")), _enrolled(("tekun",))
    select = (
        "SELECT h.id, 'inclusion_candidate', %s, %s, " + ASSIGNEE + ", 'open', v.id, v.per_capita_income, "
        "CASE WHEN v.per_capita_income < p.standard THEN p.standard ELSE p.low_line END, "
        "CASE WHEN v.per_capita_income < p.standard THEN 'dibao' ELSE 'low_income' END, "
        "v.income_from_new_work, NULL, %s, 1 "
        "FROM {h} h JOIN {pol} p ON p.county_id = h.county_id "
        "JOIN {v} v ON v.id = " + LATEST_VERIFICATION + " "
        f"WHERE h.status <> 'exited' AND NOT {tekun} "
        f"AND ((v.per_capita_income < p.standard AND NOT {dibao}) "
        f"OR (v.per_capita_income >= p.standard AND v.per_capita_income <= p.low_line AND NOT {either}))"
    )
    return _insert(select, [run_on, run_on, run.pk], policies=_policy_table(policies, run_on))


def insert_verification_expired(run: ReviewRun, run_on: date, policies) -> int:
    """Households on the register whose latest verification is too old (or missing)."""
    if not policies:
        return 0
    select = (
        "SELECT h.id, 'verification_expired', %s, %s, " + ASSIGNEE + ", 'open', v.id, NULL, NULL, '', %s, NULL, %s, 1 "
        "FROM {h} h JOIN {pol} p ON p.county_id = h.county_id "
        "LEFT JOIN {v} v ON v.id = " + LATEST_VERIFICATION + " "
        "WHERE h.status = 'active' AND (v.id IS NULL OR v.verified_on < p.valid_from)"
    )
    return _insert(select, [run_on, run_on, False, run.pk], policies=_policy_table(policies, run_on))


def escalate_overdue(run: ReviewRun, run_on: date, policies) -> int:
    """Open tasks overdue by the county's escalation days go to the township officer."""
    escalated = 0
    for county_id, policy in policies.items():  # one UPDATE per county-level unit
        cutoff = run_on - timedelta(days=policy.review_escalation_days)
        escalated += ReviewTask.objects.filter(
            status=ReviewStatus.OPEN, escalated_on__isnull=True, household__county_id=county_id, due_on__lte=cutoff,
        ).update(escalated_on=run_on)
    return escalated


def steps():
    """The pass, in order. Looked up at call time so a test can replace one step."""
    return [
        ("due", insert_due),
        (ReviewReason.EXIT_CANDIDATE.value, insert_exit_candidates),
        (ReviewReason.CATEGORY_CHANGE.value, insert_category_changes),
        (ReviewReason.INCLUSION_CANDIDATE.value, insert_inclusion_candidates),
        (ReviewReason.VERIFICATION_EXPIRED.value, insert_verification_expired),
        ("escalated", escalate_overdue),
    ]


def _log_step(run: ReviewRun, name: str, count: int) -> None:
    """Written in the step's transaction: the audit row exists exactly when the step's rows do."""
    if count:
        audit.record(actor=None, action=AuditAction.CREATE, target_type="households.reviewrun", target_id=str(run.pk),
                     summary=f"review pass {run.run_on}: {name} {count}")


def run_review(*, run_on: date | None = None) -> ReviewRun:
    """Run the whole pass for ``run_on`` (default: today) and return its log row.

    A failing step is recorded on the run (status failed, the error) and re-raised, so the
    Celery task retries; the steps already done stay done and are not repeated.
    """
    run_on = run_on or timezone.localdate()
    run = ReviewRun.objects.create(run_on=run_on, started_at=timezone.now(), status=RunStatus.RUNNING)
    policies = county_policies(run_on)
    counts: dict[str, int] = {}
    try:
        for name, step in steps():
            with transaction.atomic():
                counts[name] = step(run, run_on, policies)
                _log_step(run, name, counts[name])
    except Exception as error:
        logger.exception("review pass %s failed", run_on)
        ReviewRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now(),
                                                   counts=counts, errors=f"{type(error).__name__}: {error}"[:2000])
        raise
    ReviewRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, finished_at=timezone.now(), counts=counts)
    run.refresh_from_db()
    # Listeners (dashboards cache, staffing alerts) run once the pass is committed; when
    # called outside any transaction this is at once.
    transaction.on_commit(lambda: _announce(run))
    return run


def _announce(run: ReviewRun) -> None:
    for receiver, result in review_pass_finished.send_robust(sender=ReviewRun, run=run, run_on=run.run_on):
        if isinstance(result, Exception):
            logger.error("review pass %s: listener %r failed: %s", run.run_on, receiver, result, exc_info=result)
