"""The nightly dynamic review (应保尽保、应退尽退), set-based.

First the working set (``build_facts``): every household not exited with its latest
verification and its assignee, computed once into a temporary table, so no step looks
them up per household. Then one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per reason
(PostgreSQL and SQLite both accept it; the partial unique index
``review_one_open_per_reason`` is the conflict; rows it would refuse are filtered out
first, so a second run the same day does not even try them), each
in its own transaction, so a crash leaves every reason either fully written or not at all
and a re-run finishes the job. No Python loop over households.

The comparisons mirror ``households.rules.review`` exactly (低保: income strictly below the
standard; 低边: income equal to the line still counts). The county's policy is resolved
with ``PolicyParameters.objects.for_county`` (the county's row, else the city's, latest year
not after the run year) — one small query per county-level unit, not per household — and
joined into the SQL as a ``VALUES`` table.

The comparisons are exact and in integers, as the rules compare exact fractions: SQLite has
no decimal arithmetic, and the stored per-capita income is rounded for display. A household
with total income T yuan (a whole number of cents) and m members is below a line L when
T × 100 × den < num × m, where L × 100 = num / den is computed in Python from ``Policy``
(the 低边 line is standard × multiple, unrounded). The task rows keep the shown figures:
the per-capita income as stored and the line rounded half up to the cent.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households import rules
from households.dossier.services import refresh_household_status
from households.models import (
    Enrolment,
    EnrolmentStatusChange,
    Household,
    ReviewReason,
    ReviewRun,
    ReviewTask,
    RunStatus,
)
from households.review.signals import review_pass_finished
from jiuzhu import audit
from jiuzhu.models import Area, AreaLevel, AuditAction, PolicyParameters
from jiuzhu.policy import Policy, exact, round_money

logger = logging.getLogger(__name__)

# Enrolment statuses in which a household counts as enrolled in a category.
ENROLLED = ("active", "gradual_exit", "suspended")
TASK_COLUMNS = (
    "household_id",
    "reason",
    "created_on",
    "due_on",
    "assigned_to_id",
    "status",
    "verification_id",
    "per_capita_income",
    "line",
    "suggested_category",
    "income_rose_from_work",
    "gradual_exit_months",
    "run_id",
    "version",
)


def county_policies(run_on: date) -> dict[int, Policy]:
    """The policy in force for every county-level unit in the run year (no row: no policy)."""
    counties = Area.objects.filter(level=AreaLevel.COUNTY).only("pk", "city_id")
    return PolicyParameters.objects.policies_for(counties, run_on.year)


def _policy_table(policies: dict[int, Policy], run_on: date) -> tuple[str, list]:
    """The policies as a derived table (a ``UNION ALL`` of one-row SELECTs: SQLite has no
    column list on ``VALUES``, and a leading ``WITH`` would hide the insert's row count)."""
    rows, params = [], []
    for county_id, policy in sorted(policies.items()):
        rows.append(
            "SELECT CAST(%s AS INTEGER) AS county_id, CAST(%s AS NUMERIC) AS standard, "
            "CAST(%s AS NUMERIC) AS low_line, CAST(%s AS BIGINT) AS std_num, CAST(%s AS BIGINT) AS std_den, "
            "CAST(%s AS BIGINT) AS low_num, CAST(%s AS BIGINT) AS low_den, "
            "CAST(%s AS INTEGER) AS gradual_months, %s AS valid_from, %s AS escalate_due_by"
        )
        standard_cents = exact(policy.dibao_standard) * 100
        low_line_cents = exact(policy.low_income_line) * 100
        params += [
            county_id,
            str(round_money(policy.dibao_standard)),
            str(round_money(policy.low_income_line)),
            standard_cents.numerator,
            standard_cents.denominator,
            low_line_cents.numerator,
            low_line_cents.denominator,
            policy.gradual_exit_months,
            rules.verification_valid_from(today=run_on, policy=policy),
            _escalation_cutoff(policy, run_on),
        ]
    return "(" + " UNION ALL ".join(rows) + ")", params


def _tables() -> dict[str, str]:
    return {
        "f": FACTS,
        "h": Household._meta.db_table,
        "v": "households_verification",
        "e": "households_enrolment",
        "t": ReviewTask._meta.db_table,
        "hc": Household.caseworkers.through._meta.db_table,
    }


# The pass's working set: one row per household not exited, with its latest verification and
# its assignee, computed once per pass (a scan of verifications and of the caseworker link)
# instead of once per step and household. A temporary table: private to the connection,
# gone with it, never seen by another session.
FACTS = "review_pass_facts"
# The latest verification of every household: latest verified_on, then highest id.
LATEST_VERIFICATION = {
    # DISTINCT ON keeps the first row of each household; verif_hh_latest_idx gives the rows
    # in that order, so there is no sort.
    "postgresql": (
        "SELECT DISTINCT ON (v.household_id) v.household_id, v.id, v.verified_on, v.per_capita_income, "
        "v.total_income, v.members_counted, "
        "v.income_from_new_work FROM {v} v ORDER BY v.household_id, v.verified_on DESC, v.id DESC"
    ),
    # Portable (SQLite has no DISTINCT ON): the first row of each household's window.
    None: (
        "SELECT household_id, id, verified_on, per_capita_income, total_income, members_counted, "
        "income_from_new_work FROM "
        "(SELECT v.household_id, v.id, v.verified_on, v.per_capita_income, v.total_income, v.members_counted, "
        "v.income_from_new_work, ROW_NUMBER() "
        "OVER (PARTITION BY v.household_id ORDER BY v.verified_on DESC, v.id DESC) AS place FROM {v} v) ranked "
        "WHERE place = 1"
    ),
}


def build_facts() -> None:
    """(Re)create the pass's working set: each household not exited, its latest verification
    (none: NULL columns) and its assignee (the caseworker with the lowest id, else NULL).

    A snapshot taken when the pass starts: every step decides on the same facts."""
    names = _tables()
    latest = LATEST_VERIFICATION.get(connection.vendor, LATEST_VERIFICATION[None]).format(**names)
    sql = (
        f"CREATE TEMPORARY TABLE {FACTS} AS SELECT h.id AS household_id, h.county_id, h.status, h.next_review_on, "
        "a.assignee_id, lv.id AS verification_id, lv.verified_on, lv.per_capita_income, lv.income_from_new_work, "
        # Whole cents: exact in SQLite's floating point (12 digits at most) and in PostgreSQL.
        "CAST(ROUND(lv.total_income * 100) AS BIGINT) AS income_cents, lv.members_counted "
        f"FROM {names['h']} h LEFT JOIN ({latest}) lv ON lv.household_id = h.id "
        f"LEFT JOIN (SELECT hc.household_id, MIN(hc.user_id) AS assignee_id FROM {names['hc']} hc "
        "GROUP BY hc.household_id) a ON a.household_id = h.id "
        "WHERE h.status <> 'exited'"
    )
    drop_facts()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {FACTS}")  # temporary tables are never auto-analysed


def drop_facts() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FACTS}")


def _enrolled(categories: tuple[str, ...]) -> str:
    cats = ", ".join(f"'{c}'" for c in categories)
    states = ", ".join(f"'{s}'" for s in ENROLLED)
    return f"EXISTS (SELECT 1 FROM {{e}} e2 WHERE e2.household_id = f.household_id AND e2.category IN ({cats}) AND e2.status IN ({states}))"


def _no_open_task(reasons: tuple[str, ...], *, same_verification: bool = False) -> str:
    """No open or recorded task for these reasons: what the unique index would refuse anyway,
    filtered before the insert so a second run does not try (and fail) every row again.

    ``same_verification`` (the income-based reasons): nor any task, whatever its status, that
    was opened on the household's latest verification. A review the caseworker closed (kept)
    or the officer decided stays closed until a new verification gives new facts."""
    listed = ", ".join(f"'{r}'" for r in reasons)
    status = "t2.status IN ('open', 'recorded')"
    if same_verification:
        status = f"({status} OR t2.verification_id = f.verification_id)"
    return (
        f"NOT EXISTS (SELECT 1 FROM {{t}} t2 WHERE t2.household_id = f.household_id AND t2.reason IN ({listed}) "
        f"AND {status})"
    )


def _insert(select_sql: str, params: list, *, policies: tuple[str, list] | None = None) -> int:
    """Run one ``INSERT … SELECT … ON CONFLICT DO NOTHING``; return the rows inserted.

    ``{pol}`` in the SELECT is the policy table; it sits right after ``FROM {f} f``, so its
    parameters go between the select list's placeholders and the rest."""
    names = _tables()
    table_sql, table_params = policies or ("", [])
    names["pol"] = table_sql
    columns = ", ".join(TASK_COLUMNS)
    sql = f"INSERT INTO {names['t']} ({columns}) " + select_sql.format(**names) + " ON CONFLICT DO NOTHING"
    head = select_sql.split("FROM {f} f", 1)[0].count("%s")
    with connection.cursor() as cursor:
        cursor.execute(sql, params[:head] + table_params + params[head:])
        return max(cursor.rowcount, 0)


def insert_due(run: ReviewRun, run_on: date, policies) -> int:
    """Households on the register whose next review date has come (due today, or overdue)."""
    select = (
        "SELECT f.household_id, CASE WHEN f.next_review_on < %s THEN 'overdue' ELSE 'due' END, %s, f.next_review_on, "
        "f.assignee_id, 'open', NULL, NULL, NULL, '', %s, NULL, %s, 1 "
        "FROM {f} f WHERE f.status = 'active' AND f.next_review_on <= %s AND " + _no_open_task(("due", "overdue"))
    )
    return _insert(select, [run_on, run_on, False, run.pk, run_on])


def _cmp(op: str, line: str) -> str:
    """SQL for "per-capita income <op> the line" in integers: income_cents × den <op> num × members.

    ``line`` is ``std`` (the standard) or ``low`` (the 低边 line); see the module docstring.
    """
    return f"(f.income_cents * p.{line}_den {op} p.{line}_num * f.members_counted)"


def insert_exit_candidates(run: ReviewRun, run_on: date, policies) -> int:
    """Enrolled 低保/低边 households whose latest per-capita income is above the category's line."""
    if not policies:
        return 0
    select = (
        "SELECT f.household_id, 'exit_candidate', %s, %s, f.assignee_id, 'open', f.verification_id, f.per_capita_income, "
        "CASE WHEN e.category = 'dibao' THEN p.standard ELSE p.low_line END, "
        f"CASE WHEN e.category = 'dibao' AND {_cmp('<=', 'low')} THEN 'low_income' ELSE '' END, "
        "f.income_from_new_work, CASE WHEN f.income_from_new_work THEN p.gradual_months ELSE NULL END, %s, 1 "
        "FROM {f} f JOIN {pol} p ON p.county_id = f.county_id "
        "JOIN {e} e ON e.household_id = f.household_id AND e.status = 'active' AND e.category IN ('dibao', 'low_income') "
        f"WHERE f.verification_id IS NOT NULL AND ((e.category = 'dibao' AND {_cmp('>', 'std')}) "
        f"OR (e.category = 'low_income' AND {_cmp('>', 'low')})) AND "
        + _no_open_task(("exit_candidate",), same_verification=True)
    )
    return _insert(select, [run_on, run_on, run.pk], policies=_policy_table(policies, run_on))


def insert_category_changes(run: ReviewRun, run_on: date, policies) -> int:
    """低保 households whose income now equals the standard (no longer below it)."""
    if not policies:
        return 0
    select = (
        "SELECT f.household_id, 'category_change', %s, %s, f.assignee_id, 'open', f.verification_id, "
        "f.per_capita_income, p.standard, 'low_income', f.income_from_new_work, NULL, %s, 1 "
        "FROM {f} f JOIN {pol} p ON p.county_id = f.county_id "
        f"WHERE f.verification_id IS NOT NULL AND {_cmp('=', 'std')} "
        "AND EXISTS (SELECT 1 FROM {e} e2 WHERE e2.household_id = f.household_id AND e2.category = 'dibao' "
        "AND e2.status = 'active') AND " + _no_open_task(("category_change",), same_verification=True)
    )
    return _insert(select, [run_on, run_on, run.pk], policies=_policy_table(policies, run_on))


def insert_inclusion_candidates(run: ReviewRun, run_on: date, policies) -> int:
    """Households on file under the standard (not in 低保) or in the 低边 band (in neither)."""
    if not policies:
        return 0
    dibao, either, tekun = _enrolled(("dibao",)), _enrolled(("dibao", "low_income")), _enrolled(("tekun",))
    select = (
        "SELECT f.household_id, 'inclusion_candidate', %s, %s, f.assignee_id, 'open', f.verification_id, "
        "f.per_capita_income, "
        f"CASE WHEN {_cmp('<', 'std')} THEN p.standard ELSE p.low_line END, "
        f"CASE WHEN {_cmp('<', 'std')} THEN 'dibao' ELSE 'low_income' END, "
        "f.income_from_new_work, NULL, %s, 1 "
        "FROM {f} f JOIN {pol} p ON p.county_id = f.county_id "
        f"WHERE f.verification_id IS NOT NULL AND NOT {tekun} "
        f"AND (({_cmp('<', 'std')} AND NOT {dibao}) "
        f"OR ({_cmp('>=', 'std')} AND {_cmp('<=', 'low')} AND NOT {either})) "
        "AND " + _no_open_task(("inclusion_candidate",), same_verification=True)
    )
    return _insert(select, [run_on, run_on, run.pk], policies=_policy_table(policies, run_on))


def insert_verification_expired(run: ReviewRun, run_on: date, policies) -> int:
    """Households on the register whose latest verification is too old (or missing)."""
    if not policies:
        return 0
    select = (
        "SELECT f.household_id, 'verification_expired', %s, %s, f.assignee_id, 'open', f.verification_id, NULL, NULL, "
        "'', %s, NULL, %s, 1 "
        "FROM {f} f JOIN {pol} p ON p.county_id = f.county_id "
        "WHERE f.status = 'active' AND (f.verification_id IS NULL OR f.verified_on < p.valid_from) AND "
        + _no_open_task(("verification_expired",))
    )
    return _insert(select, [run_on, run_on, False, run.pk], policies=_policy_table(policies, run_on))


def _escalation_cutoff(policy: Policy, run_on: date) -> date:
    """Open tasks due on or before this day are overdue by the escalation days."""
    return run_on - timedelta(days=policy.review_escalation_days)


def escalate_overdue(run: ReviewRun, run_on: date, policies) -> int:
    """Open tasks overdue by the county's escalation days go to the township officer.

    One UPDATE for every county (the policy table gives each county's cutoff): one scan of
    the open tasks, not one per county-level unit."""
    if not policies:
        return 0
    names = _tables()
    table_sql, table_params = _policy_table(policies, run_on)
    latest_cutoff = max(_escalation_cutoff(policy, run_on) for policy in policies.values())
    t = names["t"]
    sql = (
        f"UPDATE {t} SET escalated_on = %s WHERE status = 'open' AND escalated_on IS NULL AND due_on <= %s "
        f"AND EXISTS (SELECT 1 FROM {names['h']} h JOIN {table_sql} p ON p.county_id = h.county_id "
        f"WHERE h.id = {t}.household_id AND {t}.due_on <= p.escalate_due_by)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [run_on, latest_cutoff, *table_params])
        return max(cursor.rowcount, 0)


GRADUAL_EXIT_ENDED = "gradual_exit_ended"
# Gradual exits (渐退) whose period ended before the run day: the period's last day is end_on.
GRADUAL_EXIT_OVER = "FROM {e} e WHERE e.status = 'gradual_exit' AND e.end_on < %s"


def end_gradual_exits(run: ReviewRun, run_on: date, policies) -> int:
    """Enrolments in gradual exit whose period is over become ended, set-based, idempotent.

    1. One history row each (``EnrolmentStatusChange``, effective on the period's last day,
       as a confirmed exit without a period is effective on its end day).
    2. One audit row each (``audit.record_select``), written before the change it records.
    3. One UPDATE; the version is raised so a form opened before the pass is refused.
    4. The households whose last enrolment in force this ended follow the status rule
       (``services.refresh_household_status``): 在册 → 已退出, as after a confirmed exit
       without a period. Only the few households ending tonight are read, not the register."""
    names = _tables()
    where = GRADUAL_EXIT_OVER.format(**names)
    history = EnrolmentStatusChange._meta.db_table
    on = connection.ops.quote_name("on")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    reason = _("Gradual exit period ended (review pass %(date)s)") % {"date": run_on.isoformat()}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history} (enrolment_id, from_status, to_status, {on}, reason, decision_no, by_id, at) "
            f"SELECT e.id, 'gradual_exit', 'ended', e.end_on, %s, '', NULL, %s {where}",
            [reason[:300], now, run_on],
        )
    audit.record_select(
        actor=None,
        action=AuditAction.TRANSITION,
        model=Enrolment,
        select_sql=f"SELECT e.id, e.household_id {where}",
        params=[run_on],
        changes={"status": ["gradual_exit", "ended"]},
        summary=reason,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT e.household_id {where}", [run_on])
        households = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"UPDATE {names['e']} SET status = 'ended', version = version + 1 "
            "WHERE status = 'gradual_exit' AND end_on < %s",
            [run_on],
        )
        ended = max(cursor.rowcount, 0)
    refresh_household_status(households)
    return ended


def steps():
    """The pass, in order. Looked up at call time so a test can replace one step.

    Gradual exits end first: the steps after see the enrolments as they are on the run day."""
    return [
        (GRADUAL_EXIT_ENDED, end_gradual_exits),
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
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            target_type="households.reviewrun",
            target_id=str(run.pk),
            summary=f"review pass {run.run_on}: {name} {count}",
        )


def run_review(*, run_on: date | None = None) -> ReviewRun:
    """Run the whole pass for ``run_on`` (default: today) and return its log row.

    The steps read the working set built first (``build_facts``), dropped at the end.
    A failing step is recorded on the run (status failed, the error) and re-raised, so the
    Celery task retries; the steps already done stay done and are not repeated.
    """
    run_on = run_on or timezone.localdate()
    run = ReviewRun.objects.create(run_on=run_on, started_at=timezone.now(), status=RunStatus.RUNNING)
    policies = county_policies(run_on)
    counts: dict[str, int] = {}
    try:
        build_facts()
        for name, step in steps():
            with transaction.atomic():
                counts[name] = step(run, run_on, policies)
                _log_step(run, name, counts[name])
                # With the step's rows: a worker killed later leaves a run that says what was done.
                ReviewRun.objects.filter(pk=run.pk).update(counts=counts)
    except Exception as error:
        logger.exception("review pass %s failed", run_on)
        ReviewRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            counts=counts,
            errors=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    finally:
        drop_facts()
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
