"""Working days and the application procedure's deadlines (Zhejiang regulation art. 11).

Periods are ``jiuzhu.periods``: working-day time limits count the days after the start,
and the public notice, a calendar-day period objections are lodged in, ends on the next
working day when its seventh day is off (民法典 art. 203).

The rules do not know the holiday calendar: callers build a ``WorkCalendar`` from
whatever source they trust (``households.procedure.workdays.chinese_calendar_adapter`` in the app).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from jiuzhu.periods import last_day_from, working_day_deadline
from jiuzhu.periods import next_working_day as next_working_day  # re-exported for callers of the rules
from jiuzhu.policy import Policy
from jiuzhu.reasons import N_, Reason

from .codes import Category
from .income import dibao_monthly_amount, temporary_aid_reasons

DayTest = Callable[[date], bool]
ONE_DAY = timedelta(days=1)


def _as_test(source: DayTest | Container[date]) -> DayTest:
    if callable(source):
        return source
    return source.__contains__


class WorkCalendar:
    """Tell working days from days off.

    A day is a working day when it is a make-up working day (调休), or when it is a
    Monday-Friday that is not a statutory holiday. Each argument is a callable
    ``date -> bool`` or a set of dates.

    ``known_until``: the last day whose holidays are known (the State Council publishes a
    year's holidays late in the year before). After it, days count Monday-Friday only and
    a deadline there is provisional (``is_known`` is false): shown as such, never refused.
    """

    def __init__(
        self,
        *,
        is_holiday: DayTest | Container[date] = frozenset(),
        is_make_up_workday: DayTest | Container[date] = frozenset(),
        known_until: date | None = None,
    ) -> None:
        self._is_holiday = _as_test(is_holiday)
        self._is_make_up_workday = _as_test(is_make_up_workday)
        self.known_until = known_until
        # Answers are remembered: a dashboard or a due list computes the deadlines of
        # thousands of applications, most received on the same few hundred days.
        self._workdays: dict[date, bool] = {}
        self._added: dict[tuple[date, int], date] = {}

    def is_known(self, d: date) -> bool:
        return self.known_until is None or d <= self.known_until

    def is_workday(self, d: date) -> bool:
        found = self._workdays.get(d)
        if found is None:
            found = self._workdays[d] = self._is_make_up_workday(d) or (d.weekday() < 5 and not self._is_holiday(d))
        return found

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (see the module function), remembered."""
        found = self._added.get((start, n))
        if found is None:
            found = self._added[(start, n)] = working_day_deadline(start, n, self)
        return found


@dataclass(frozen=True)
class Deadlines:
    """Deadlines of one application; notice_min_end is the earliest day the notice may end."""

    investigation_due: date
    notice_start: date
    notice_min_end: date
    decision_due: date


def add_working_days(start: date, n: int, calendar: WorkCalendar) -> date:
    """Return the n-th working day after ``start``; ``start`` itself never counts.

    n = 0 returns ``start``. Received on a Friday, 1 working day → the next Monday
    (unless that is a holiday).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    return calendar.add_working_days(start, n)


def working_days_between(a: date, b: date, calendar: WorkCalendar) -> int:
    """Count working days after ``a`` up to and including ``b``; negative when b is before a.

    The inverse of ``add_working_days``: working_days_between(a, add_working_days(a, n)) == n.
    """
    if b < a:
        return -working_days_between(b, a, calendar)
    count = 0
    d = a
    while d < b:
        d += ONE_DAY
        if calendar.is_workday(d):
            count += 1
    return count


def procedure_deadlines(
    *, received_on: date, calendar: WorkCalendar, policy: Policy, notice_start: date | None = None
) -> Deadlines:
    """Compute the deadlines of an application received on ``received_on``.

    1. investigation_due: received_on + investigation_working_days working days (the day of
       receipt does not count).
    2. notice_start: the day the public notice actually started; if not yet known, the day
       after investigation_due.
    3. notice_min_end: the notice runs public_notice_days calendar days counting its first
       day (7 days: Mon 1st to Sun 7th; weekends and holidays count), and a last day that is
       off moves to the next working day (民法典 art. 203: objections can be lodged until
       then). Posted Thursday 24 September 2026, it would end on 1 October (National Day),
       so it ends on 8 October. ``notice_period_reasons`` checks only the 7 days.
    4. decision_due: notice_min_end + decision_working_days working days.
    """
    investigation_due = add_working_days(received_on, policy.investigation_working_days, calendar)
    start = notice_start or investigation_due + ONE_DAY
    notice_min_end = notice_end(start=start, policy=policy, calendar=calendar)
    decision_due = add_working_days(notice_min_end, policy.decision_working_days, calendar)
    return Deadlines(
        investigation_due=investigation_due,
        notice_start=start,
        notice_min_end=notice_min_end,
        decision_due=decision_due,
    )


def notice_end(*, start: date, policy: Policy, calendar: WorkCalendar | None = None) -> date:
    """Return the last day of a public notice posted on ``start`` (its first day counted).

    With a ``calendar``, a last day that is off moves to the next working day (art. 203).
    """
    return last_day_from(start, days=policy.public_notice_days, calendar=calendar)


def days_left(due: date, today: date, calendar: WorkCalendar) -> int:
    """Return working days left until ``due``: 0 on the due day, negative when overdue.

    Counted as ``working_days_between(today, due)``: the day before a due Monday (Sunday)
    has 1 day left; a Saturday after a due Friday is 0 (no working day has passed).
    """
    return working_days_between(today, due, calendar)


# ---------------------------------------------------------------------------
# The procedure's steps: which action may follow which, who may take it.
# Statuses and roles are plain strings (the values of the Django choices).
# ---------------------------------------------------------------------------

DRAFT, SUBMITTED, INVESTIGATING, NOTICE, UNDER_REVIEW, APPROVED, REJECTED = (
    "draft",
    "submitted",
    "investigating",
    "notice",
    "under_review",
    "approved",
    "rejected",
)
OPEN_STATUSES = (DRAFT, SUBMITTED, INVESTIGATING, NOTICE, UNDER_REVIEW)
DECIDED_STATUSES = (APPROVED, REJECTED)

CASEWORKER, TOWNSHIP_OFFICER, COUNTY_CIVIL, ADMIN = "caseworker", "township_officer", "county_civil", "admin"
TEMPORARY = Category.TEMPORARY

SUBMIT, START_INVESTIGATION, RECORD_INVESTIGATION, MARK_URGENT = (
    "submit",
    "start_investigation",
    "record_investigation",
    "mark_urgent",
)
START_NOTICE, RECORD_OBJECTION, CLOSE_NOTICE, DECIDE, DELIVER = (
    "start_notice",
    "record_objection",
    "close_notice",
    "decide",
    "deliver",
)
ACTIONS = (
    SUBMIT,
    START_INVESTIGATION,
    RECORD_INVESTIGATION,
    MARK_URGENT,
    START_NOTICE,
    RECORD_OBJECTION,
    CLOSE_NOTICE,
    DECIDE,
    DELIVER,
)

# Who may take each action (the administrator may take any). ``decide`` is the county's;
# the township decides small temporary aid on its behalf (``township_may_decide``).
ACTION_ROLES: dict[str, frozenset[str]] = {
    SUBMIT: frozenset({CASEWORKER, TOWNSHIP_OFFICER}),
    START_INVESTIGATION: frozenset({TOWNSHIP_OFFICER}),
    RECORD_INVESTIGATION: frozenset({CASEWORKER, TOWNSHIP_OFFICER}),
    MARK_URGENT: frozenset({TOWNSHIP_OFFICER}),
    START_NOTICE: frozenset({TOWNSHIP_OFFICER}),
    RECORD_OBJECTION: frozenset({CASEWORKER, TOWNSHIP_OFFICER}),
    CLOSE_NOTICE: frozenset({TOWNSHIP_OFFICER}),
    DECIDE: frozenset({COUNTY_CIVIL, TOWNSHIP_OFFICER}),
    DELIVER: frozenset({CASEWORKER, TOWNSHIP_OFFICER, COUNTY_CIVIL}),
}

# Steps an urgent application may leave for later, in the order they are done.
STEP_INVESTIGATION, STEP_NOTICE = "investigation", "notice"


@dataclass(frozen=True)
class ProcedureFacts:
    """What the transition rules need to know about one application."""

    status: str
    urgent: bool = False
    investigation_started: bool = False
    investigation_complete: bool = False
    notice_started: bool = False
    notice_closed: bool = False
    unresolved_objections: int = 0
    delivered: bool = False


def role_may(action: str, role: str) -> bool:
    """Whether a role may take an action at all (the state is checked separately)."""
    return role == ADMIN or role in ACTION_ROLES.get(action, frozenset())


def township_may_decide(*, category: str, amount, policy: Policy) -> bool:
    """The township may approve temporary aid of at most temp_aid_township_limit
    (以内 includes the limit) on the county's behalf; every other decision is the county's."""
    return category == TEMPORARY and amount is not None and amount <= policy.temp_aid_township_limit


# Categories granted once (a sum paid when decided), not monthly. A household may receive
# them again, so an earlier grant or application does not bar a new one.
ONE_OFF_CATEGORIES = frozenset({TEMPORARY})


def is_one_off(category: str) -> bool:
    return category in ONE_OFF_CATEGORIES


def assistance_period(*, category: str, decided_on: date) -> tuple[date, date | None]:
    """(start, end) of the assistance an approval creates: a one-off grant is paid on the
    day of the decision and ends that day; monthly assistance starts on the first of the
    next month and runs until a review ends it (end None)."""
    if is_one_off(category):
        return decided_on, decided_on
    return first_of_next_month(decided_on), None


def duplicate_reasons(
    *, category: str, open_application_categories: Collection[str] = (), live_enrolment_categories: Collection[str] = ()
) -> tuple[Reason, ...]:
    """Why a household may not apply for (or be granted) ``category`` again now: it already
    has an open application or assistance in force in it. One-off categories may recur."""
    if is_one_off(category):
        return ()
    reasons = []
    if category in open_application_categories:
        reasons.append(
            Reason.of(
                "open_application",
                N_("The household already has an open application in this category: continue that one."),
            )
        )
    if category in live_enrolment_categories:
        reasons.append(Reason.of("already_enrolled", N_("The household already receives assistance in this category.")))
    return tuple(reasons)


def missing_steps(facts: ProcedureFacts) -> tuple[str, ...]:
    """Steps an urgent application decided early still has to complete (empty otherwise)."""
    if facts.status not in DECIDED_STATUSES:
        return ()
    missing = []
    if not facts.investigation_complete:
        missing.append(STEP_INVESTIGATION)
    if not facts.notice_closed:
        missing.append(STEP_NOTICE)
    return tuple(missing)


def _catching_up(facts: ProcedureFacts) -> bool:
    """An urgent application decided before its steps were done may complete them now."""
    return facts.urgent and facts.status in DECIDED_STATUSES


def transition_reasons(action: str, facts: ProcedureFacts) -> tuple[Reason, ...]:
    """Why the action cannot be taken now (empty when it can). Steps are never skipped,
    except that an application marked urgent may be decided first and its investigation
    and notice recorded after the decision."""
    s = facts.status
    wrong_step = Reason.of("wrong_step", N_("This step cannot be taken at the application's current stage."))
    if action == SUBMIT:
        return () if s == DRAFT else (wrong_step,)
    if action == START_INVESTIGATION:
        return () if s == SUBMITTED or (_catching_up(facts) and not facts.investigation_started) else (wrong_step,)
    if action == RECORD_INVESTIGATION:
        if s == INVESTIGATING or (
            _catching_up(facts) and facts.investigation_started and not facts.investigation_complete
        ):
            return ()
        if s == SUBMITTED:
            return (Reason.of("not_started", N_("The township has not started the investigation yet.")),)
        return (wrong_step,)
    if action == MARK_URGENT:
        if facts.urgent:
            return (Reason.of("already_urgent", N_("The application is already marked urgent.")),)
        return () if s in (SUBMITTED, INVESTIGATING, NOTICE, UNDER_REVIEW) else (wrong_step,)
    if action == START_NOTICE:
        if not (s == INVESTIGATING or (_catching_up(facts) and not facts.notice_started)):
            return (wrong_step,)
        if not facts.investigation_complete:
            return (
                Reason.of(
                    "investigation_incomplete",
                    N_(
                        "The investigation is not complete: record the home visit, the signed authorisation and the "
                        "economic verification first."
                    ),
                ),
            )
        return ()
    if action == RECORD_OBJECTION:
        return (
            ()
            if s == NOTICE or (_catching_up(facts) and facts.notice_started and not facts.notice_closed)
            else (wrong_step,)
        )
    if action == CLOSE_NOTICE:
        if not (s == NOTICE or (_catching_up(facts) and facts.notice_started and not facts.notice_closed)):
            return (wrong_step,)
        if facts.unresolved_objections:
            return (
                Reason.of(
                    "objections_open",
                    N_("%(count)s objection(s) are not resolved yet."),
                    count=str(facts.unresolved_objections),
                ),
            )
        return ()
    if action == DECIDE:
        if s == UNDER_REVIEW or (facts.urgent and s in (SUBMITTED, INVESTIGATING, NOTICE)):
            return ()
        if s in DECIDED_STATUSES:
            return (Reason.of("already_decided", N_("The application has already been decided.")),)
        return (wrong_step,)
    if action == DELIVER:
        if facts.delivered:
            return (Reason.of("already_delivered", N_("The decision notice has already been delivered.")),)
        return () if s in DECIDED_STATUSES else (wrong_step,)
    raise ValueError(f"unknown action {action!r}")


def notice_period_reasons(*, start: date, end: date, policy: Policy) -> tuple[Reason, ...]:
    """The notice must run at least public_notice_days calendar days, both ends counted."""
    if end < start:
        return (Reason.of("notice_end_before_start", N_("The notice cannot end before it starts.")),)
    if end < notice_end(start=start, policy=policy):
        return (
            Reason.of(
                "notice_too_short",
                N_("The public notice must run at least %(days)s days."),
                days=str(policy.public_notice_days),
            ),
        )
    return ()


def notice_close_reasons(*, notice_end: date, closed_on: date) -> tuple[Reason, ...]:
    if closed_on < notice_end:
        return (
            Reason.of(
                "notice_running",
                N_("The public notice runs until %(end)s; it cannot be closed earlier."),
                end=notice_end.isoformat(),
            ),
        )
    return ()


@dataclass(frozen=True)
class StepDates:
    """The dates an application already carries, against which a new step's date is checked.
    ``investigation_completed_on``: the day the investigation's last piece is dated."""

    received_on: date | None = None
    investigation_started_on: date | None = None
    investigation_completed_on: date | None = None
    notice_start: date | None = None
    notice_end: date | None = None


def _not_before(on: date, earlier: date | None, template: str, code: str) -> tuple[Reason, ...]:
    if earlier is not None and on < earlier:
        return (Reason.of(code, template, date=earlier.isoformat()),)
    return ()


def step_date_reasons(action: str, *, on: date, today: date, dates: StepDates) -> tuple[Reason, ...]:
    """Why ``on`` cannot be the date of the step (empty when it can).

    1. No step is dated after today (a notice may end later; its start may not).
    2. The investigation starts on or after the application was received, and is
       recorded on or after it started.
    3. The notice starts on or after the investigation was completed.
    4. An objection is received within the notice period (both ends included).
    5. The notice closes on or after its planned end (``notice_close_reasons``).
    """
    if on > today:
        return (Reason.of("future_date", N_("The date cannot be in the future.")),)
    if action == START_INVESTIGATION:
        return _not_before(
            on,
            dates.received_on,
            N_("The investigation cannot start before the application was received (%(date)s)."),
            "before_received",
        )
    if action == RECORD_INVESTIGATION:
        return _not_before(
            on,
            dates.investigation_started_on,
            N_("The investigation cannot be recorded before it started (%(date)s)."),
            "before_investigation",
        )
    if action == START_NOTICE:
        return _not_before(
            on,
            dates.investigation_completed_on,
            N_("The public notice cannot start before the investigation was completed (%(date)s)."),
            "before_investigation_complete",
        )
    if action == RECORD_OBJECTION:
        if dates.notice_start is None or dates.notice_end is None:
            return ()
        if not dates.notice_start <= on <= dates.notice_end:
            return (
                Reason.of(
                    "outside_notice",
                    N_("An objection must be received during the public notice (%(start)s to %(end)s)."),
                    start=dates.notice_start.isoformat(),
                    end=dates.notice_end.isoformat(),
                ),
            )
        return ()
    if action == CLOSE_NOTICE and dates.notice_end is not None:
        return notice_close_reasons(notice_end=dates.notice_end, closed_on=on)
    return ()


def objection_resolution_reasons(*, received_on: date, resolved_on: date | None, today: date) -> tuple[Reason, ...]:
    """An objection is resolved on or after it was received, and not after today."""
    if resolved_on is None:
        return ()
    if resolved_on > today:
        return (Reason.of("future_date", N_("The date cannot be in the future.")),)
    return _not_before(
        resolved_on,
        received_on,
        N_("An objection cannot be resolved before it was received (%(date)s)."),
        "resolved_before_received",
    )


@dataclass(frozen=True)
class DueStep:
    step: str  # "investigation", "notice" or "decision"
    due: date


def due_step(
    *,
    status: str,
    received_on: date | None,
    notice_end: date | None,
    notice_closed_on: date | None,
    calendar: WorkCalendar,
    policy: Policy,
) -> DueStep | None:
    """The step an open application waits for and its statutory deadline.

    1. submitted / investigating: investigation within investigation_working_days of receipt.
    2. notice: the notice's planned end day (the township closes it and forwards the case).
    3. under review: the decision within decision_working_days after the notice closed
       (or after its planned end, if it closed earlier than recorded).
    """
    if received_on is None:
        return None
    if status in (SUBMITTED, INVESTIGATING):
        return DueStep(STEP_INVESTIGATION, add_working_days(received_on, policy.investigation_working_days, calendar))
    if status == NOTICE and notice_end is not None:
        return DueStep(STEP_NOTICE, notice_end)
    if status == UNDER_REVIEW:
        base = notice_closed_on or notice_end
        if base is None:
            base = procedure_deadlines(received_on=received_on, calendar=calendar, policy=policy).notice_min_end
        return DueStep("decision", add_working_days(base, policy.decision_working_days, calendar))
    return None


def first_of_next_month(d: date) -> date:
    """Benefits start on the first day of the month after approval."""
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


# --------------------------------------------------------------------------- the decision


@dataclass(frozen=True)
class VerifiedIncome:
    """What the latest economic verification says, for the 低保 amount.

    ``per_capita_income`` is exact (total ÷ members, ``per_capita_exact``): the amount is
    computed from it and rounded once.
    """

    per_capita_income: Decimal | Fraction
    members: int
    assets_within_limits: bool


@dataclass(frozen=True)
class DecisionFacts:
    """What the decision needs to know, loaded by the service before it asks ``decide``."""

    role: str
    approve: bool
    category: str
    categories: Collection[str]
    entered_amount: Decimal | None = None
    severe: bool = False
    reason: str = ""
    verification: VerifiedIncome | None = None
    members_counted: int = 0
    live_enrolment: bool = False


@dataclass(frozen=True)
class Decision:
    """The whole decision: what to record, or why not (``reasons``, the ``field`` they
    belong to; ``forbidden`` when the role may not decide this at all)."""

    approved: bool = False
    category: str = ""
    amount: Decimal | None = None
    start_on: date | None = None
    end_on: date | None = None
    by_township: bool = False
    reasons: tuple[Reason, ...] = ()
    field: str | None = None
    forbidden: bool = False

    @property
    def ok(self) -> bool:
        return not self.reasons


def _refused(reason: Reason, field: str | None = None, *, forbidden: bool = False) -> Decision:
    return Decision(reasons=(reason,), field=field, forbidden=forbidden)


def decide(facts: DecisionFacts, *, policy: Policy | None, on: date) -> Decision:
    """The county's decision on an application (S-1 procedure), or the township's on small
    temporary aid (``township_may_decide``): an approval's category, amount and period, or
    a refusal; with the reasons when it cannot be recorded as asked.

    低保: the amount is the rules' (``dibao_monthly_amount``) from the latest verification;
    other categories: the amount entered. Temporary aid is capped (``severe``: the higher
    multiple). A refusal gives its reasons in writing and is the county's alone.
    """
    category = facts.category
    if category not in facts.categories:
        return _refused(Reason.of("decide.category", N_("Choose a category.")), "category")
    township = facts.role == TOWNSHIP_OFFICER
    if not facts.approve:
        if township:
            return _refused(
                Reason.of("decide.county_refuses", N_("Only the county may refuse an application.")), forbidden=True
            )
        if not facts.reason.strip():
            return _refused(
                Reason.of("decide.refusal_reason", N_("A refusal must give its reasons in writing.")), "reason"
            )
        return Decision(approved=False, category=category)
    no_policy = Reason.of("decide.no_policy", N_("No policy parameters are recorded for this county and year."))
    if category == Category.DIBAO:
        if facts.verification is None:
            return _refused(
                Reason.of(
                    "decide.no_verification",
                    N_("The household has no economic verification: the amount cannot be computed."),
                ),
                "monthly_amount",
            )
        if policy is None:
            return _refused(no_policy, "monthly_amount")
        amount = dibao_monthly_amount(
            per_capita_income=facts.verification.per_capita_income,
            members=facts.verification.members,
            policy=policy,
            assets_within_limits=facts.verification.assets_within_limits,
        )
        if amount <= 0:
            return _refused(
                Reason.of(
                    "decide.not_eligible",
                    N_(
                        "By the latest verification the household is not eligible for the minimum living "
                        "allowance (amount 0.00)."
                    ),
                ),
                "monthly_amount",
            )
    else:
        if facts.entered_amount is None:
            return _refused(Reason.of("decide.no_amount", N_("Enter the amount approved.")), "monthly_amount")
        amount = facts.entered_amount
    if category == TEMPORARY:
        if policy is None:
            return _refused(no_policy, "monthly_amount")
        if facts.members_counted < 1:
            return _refused(
                Reason.of(
                    "decide.no_members",
                    N_("The household has no members on record: the temporary aid cap cannot be computed."),
                ),
                "monthly_amount",
            )
        cap = temporary_aid_reasons(amount=amount, members=facts.members_counted, severe=facts.severe, policy=policy)
        if cap:
            return Decision(reasons=cap, field="monthly_amount")
    duplicate = duplicate_reasons(
        category=category, live_enrolment_categories={category} if facts.live_enrolment else ()
    )
    if duplicate:
        return Decision(reasons=duplicate, field="category")
    if township:
        if category != TEMPORARY:
            return _refused(
                Reason.of("decide.county_category", N_("Only the county decides this category.")), forbidden=True
            )
        if policy is None or not township_may_decide(category=category, amount=amount, policy=policy):
            limit = policy.temp_aid_township_limit if policy is not None else 0
            return _refused(
                Reason.of(
                    "decide.township_limit",
                    N_(
                        "The township may approve temporary aid of at most %(limit)s yuan; the county decides this one."
                    ),
                    limit=str(limit),
                ),
                "monthly_amount",
            )
    start_on, end_on = assistance_period(category=category, decided_on=on)
    return Decision(
        approved=True, category=category, amount=amount, start_on=start_on, end_on=end_on, by_township=township
    )
