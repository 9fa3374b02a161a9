"""Staffing rules of 嘉政民救〔2018〕45号 (S-2.1.x and annex R-1..R-6) as plain Python.

Standard library only: no Django, no database, no clock. Callers pass the dates
(``check_date``, ``today``) and a frozen ``jiuzhu.policy.Policy``; every threshold
comes from that policy. Results are frozen dataclasses whose reasons are
``jiuzhu.reasons.Reason`` objects with English templates marked by ``N_``.

Conventions (documented once, used throughout):

* Chinese legal wording 以上/以下/不低于/以内 includes the number itself:
  "35周岁以下" means "not yet 36", "3年以上" means "3 years or more".
* Terms counted in years follow the Civil Code (``jiuzhu.periods``, arts. 201-203):
  the event day is not counted and a period from 29 February ends on 28 February
  of a common final year. Ages are not periods: a person born on 29 February
  turns a year older on 1 March in common years (``age_on``).
* Date ranges given as ``start``/``end`` include both end days; ``end=None``
  means "open-ended / still running".
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from jiuzhu.periods import add_years as _periods_add_years
from jiuzhu.periods import end_of_period, last_day_from
from jiuzhu.policy import Policy, exact, round_money
from jiuzhu.reasons import N_, Reason

CENT = Decimal("0.01")

# --------------------------------------------------------------------------- dates


add_years = _periods_add_years
"""The corresponding day ``years`` later; 29 February → 28 February (民法典 art. 202)."""


def age_on(birth_date: date, on: date) -> int:
    """Return the age in full years on ``on``.

    A person born on 29 February turns a year older on 1 March in common years
    (on 28 February they are still the younger age). An age is not a period of the
    Civil Code, so it does not follow ``add_years``.
    """
    if on < birth_date:
        raise ValueError(f"{on} is before the birth date {birth_date}")
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


# --------------------------------------------------------------------------- recruitment (R-1..R-5)

EDUCATION_LEVELS: tuple[str, ...] = (
    "high_school",
    "college",
    "bachelor",
    "master",
    "doctorate",
)
"""Lowest first; "college" is 大专."""

CERTIFICATE_LEVELS: tuple[str, ...] = ("none", "assistant", "intermediate", "senior")
"""Social-work qualification: 无 / 助理社会工作师 / 社会工作师 / 高级社会工作师."""

QUALIFICATION_LEVELS: tuple[str, ...] = ("assistant", "intermediate", "senior")


def education_rank(education: str) -> int:
    """Return the rank of an education level (high_school 0 ... doctorate 4)."""
    try:
        return EDUCATION_LEVELS.index(education)
    except ValueError:
        raise ValueError(f"unknown education level {education!r}; expected one of {EDUCATION_LEVELS}") from None


def qualification_rank(level: str) -> int:
    """Return the rank of a social-work qualification (assistant 0 < intermediate 1 < senior 2)."""
    try:
        return QUALIFICATION_LEVELS.index(level)
    except ValueError:
        raise ValueError(f"unknown qualification level {level!r}; expected one of {QUALIFICATION_LEVELS}") from None


@dataclass(frozen=True)
class Candidate:
    """The facts about an applicant that the annex's recruitment conditions look at."""

    check_date: date
    birth_date: date
    hukou_in_jiaxing: bool
    healthy: bool
    computer_literate: bool
    education: str
    full_time_education: bool
    work_years: Decimal
    civil_affairs_or_community_experience: bool
    social_work_certificate: str
    from_household_in_difficulty: bool


@dataclass(frozen=True)
class RecruitmentDecision:
    eligible: bool
    reasons: tuple[Reason, ...] = ()
    relaxed: bool = False
    priority: bool = False


def check_recruitment(*, candidate: Candidate, policy: Policy) -> RecruitmentDecision:
    """Check a candidate against R-1..R-5 and give every failing reason.

    Readings of the annex:

    1. R-4 applies when the candidate has civil-affairs or village/community work
       experience, or any social-work certificate (助理社会工作师 or higher counts as a
       社工职业资格证). It then raises the age limit to ``recruit_max_age_relaxed`` and
       lowers the education requirement to high school *without* the full-time
       condition: R-4 says only "高中", so any education of high school or higher,
       full-time or not, is enough.
    2. ``relaxed`` is True only when R-4 was actually relied on: its condition holds
       and the age or the education test fails under R-1/R-2 but passes under R-4.
       It says nothing about the other conditions (a relaxed candidate can still be
       ineligible for, say, household registration).
    3. R-3 (work experience) is not relaxed by R-4.
    4. ``priority`` (R-5, "同等条件下，困难家庭的成员可优先考虑"): only an eligible
       candidate from a household in difficulty has it; it ranks among eligible
       candidates and never makes up for a failed condition.
    """
    c = candidate
    education_rank(c.education)  # validate early
    if c.social_work_certificate not in CERTIFICATE_LEVELS:
        raise ValueError(f"unknown certificate {c.social_work_certificate!r}; expected one of {CERTIFICATE_LEVELS}")
    work_years = Decimal(str(c.work_years))
    if work_years < 0:
        raise ValueError("work_years cannot be negative")

    r4 = c.civil_affairs_or_community_experience or c.social_work_certificate != "none"
    age = age_on(c.birth_date, c.check_date)
    reasons: list[Reason] = []

    #
    if not c.hukou_in_jiaxing:
        reasons.append(Reason.of("hukou_outside_jiaxing", N_("Household registration is not in Jiaxing.")))
    age_ok_standard = age <= policy.recruit_max_age
    age_ok_relaxed = age <= policy.recruit_max_age_relaxed
    if not (age_ok_relaxed if r4 else age_ok_standard):
        limit = policy.recruit_max_age_relaxed if r4 else policy.recruit_max_age
        reasons.append(
            Reason.of(
                "age_over",
                N_("Aged %(age)s on %(date)s: the limit is %(limit)s or under."),
                age=age,
                date=c.check_date.isoformat(),
                limit=limit,
            )
        )
    if not c.healthy:
        reasons.append(Reason.of("not_healthy", N_("Not in good health.")))
    if not c.computer_literate:
        reasons.append(Reason.of("not_computer_literate", N_("Not able to use a computer.")))

    # R-2 (and R-4's relaxation)
    # Every listed level is high school or higher, so under R-4 education always passes.
    education_ok_standard = education_rank(c.education) >= education_rank("college") and c.full_time_education
    if not r4 and not education_ok_standard:
        reasons.append(
            Reason.of(
                "education_below_college",
                N_("Full-time college (dazhuan) education or higher is required."),
            )
        )

    #
    if work_years < policy.recruit_min_work_years:
        reasons.append(
            Reason.of(
                "work_years_short",
                N_("%(years)s years of work experience: %(minimum)s years or more are required."),
                years=str(work_years),
                minimum=str(policy.recruit_min_work_years),
            )
        )

    relaxed = r4 and ((not age_ok_standard and age_ok_relaxed) or not education_ok_standard)
    return RecruitmentDecision(
        eligible=not reasons,
        reasons=tuple(reasons),
        relaxed=relaxed,
        priority=c.from_household_in_difficulty and not reasons,
    )


# --------------------------------------------------------------------------- contract (S-2.1.2)


@dataclass(frozen=True)
class ContractCheck:
    ok: bool
    reasons: tuple[Reason, ...] = ()


def check_contract(
    *,
    start: date,
    end: date | None,
    monthly_pay: Decimal,
    township_reference_pay: Decimal,
    social_insurance_enrolled: bool,
    policy: Policy,
) -> ContractCheck:
    """Check one employment contract against S-2.1.2.

    ``end`` is the last day of the contract (inclusive): 2026-01-01..2028-12-31 is
    exactly 3 years. The start day is the contract's first day, so the term is
    ``jiuzhu.periods.last_day_from(start, years=...)``: from 29 February 2024, 3 years end on
    28 February 2027; from 1 March 2024, on 28 February 2027 too (art. 202). No roll to a
    working day: the term is a length, not a time limit for an act. ``end=None`` is an
    open-ended contract (无固定期限), which meets any minimum term. Pay equal to the
    township reference is enough (不低于).
    """
    reasons: list[Reason] = []
    years = policy.min_contract_years
    if end is not None and end < start:
        reasons.append(
            Reason.of(
                "contract_ends_before_start",
                N_("The contract ends (%(end)s) before it starts (%(start)s)."),
                start=start.isoformat(),
                end=end.isoformat(),
            )
        )
    elif end is not None:
        last_day_needed = last_day_from(start, years=years)
        if end < last_day_needed:
            reasons.append(
                Reason.of(
                    "contract_too_short",
                    N_(
                        "The contract runs from %(start)s to %(end)s: a single contract of %(years)s years or more is required (to %(needed)s at least)."
                    ),
                    start=start.isoformat(),
                    end=end.isoformat(),
                    years=years,
                    needed=last_day_needed.isoformat(),
                )
            )
    if Decimal(monthly_pay) < Decimal(township_reference_pay):
        reasons.append(
            Reason.of(
                "pay_below_reference",
                N_("Monthly pay %(pay)s yuan is below the township reference pay of %(reference)s yuan."),
                pay=str(monthly_pay),
                reference=str(township_reference_pay),
            )
        )
    if not social_insurance_enrolled:
        reasons.append(Reason.of("no_social_insurance", N_("Not enrolled in social insurance.")))
    return ContractCheck(ok=not reasons, reasons=tuple(reasons))


# --------------------------------------------------------------------------- appraisal (S-2.1.3)

APPRAISAL_GRADES: tuple[str, ...] = (
    "excellent",
    "qualified",
    "basically_qualified",
    "unqualified",
)
"""优秀 / 合格 / 基本合格 / 不合格."""


@dataclass(frozen=True)
class AppraisalOutcome:
    reward_due: bool
    dismissal_due: bool
    reasons: tuple[Reason, ...] = ()


def appraisal_consequences(
    *,
    grades_by_year: Mapping[int, str],
    last_place_years: set[int] | frozenset[int] | Mapping[int, bool],
    year: int,
) -> AppraisalOutcome:
    """Apply S-2.1.3 to the appraisal of ``year``.

    Excellent in ``year`` → a reward is due. Unqualified in ``year``, or last place
    in both ``year`` and ``year - 1`` → dismissal is due. Last places in years that
    are not consecutive (e.g. 2024 and 2026) do not count. A year with no grade has
    no consequence from grades.
    """
    for y, grade in grades_by_year.items():
        if grade not in APPRAISAL_GRADES:
            raise ValueError(f"unknown grade {grade!r} for {y}; expected one of {APPRAISAL_GRADES}")
    if isinstance(last_place_years, Mapping):
        last = {y for y, flag in last_place_years.items() if flag}
    else:
        last = set(last_place_years)

    reasons: list[Reason] = []
    this_year = grades_by_year.get(year)
    reward = this_year == "excellent"
    if reward:
        reasons.append(
            Reason.of(
                "appraisal_excellent",
                N_("Appraised excellent for %(year)s: a reward is due."),
                year=year,
            )
        )
    dismissal = False
    if this_year == "unqualified":
        dismissal = True
        reasons.append(
            Reason.of(
                "appraisal_unqualified",
                N_("Appraised unqualified for %(year)s: dismissal is due."),
                year=year,
            )
        )
    if year in last and year - 1 in last:
        dismissal = True
        reasons.append(
            Reason.of(
                "last_place_two_years",
                N_("Last place in both %(previous)s and %(year)s: dismissal is due."),
                previous=year - 1,
                year=year,
            )
        )
    return AppraisalOutcome(reward_due=reward, dismissal_due=dismissal, reasons=tuple(reasons))


@dataclass(frozen=True)
class DismissalDue:
    year: int
    """The first appraised year that made the dismissal due."""
    reasons: tuple[Reason, ...]


def dismissal_due(
    *,
    grades_by_year: Mapping[int, str],
    last_place_years: set[int] | frozenset[int] | Mapping[int, bool],
) -> DismissalDue | None:
    """Apply S-2.1.3 to every appraised year: a dismissal once due stays due.

    A later good year does not undo an unqualified one: the caseworker is to be
    dismissed until the dismissal is recorded (the caller stops asking once the
    caseworker is no longer in post). Returns the first year that made it due and the
    reasons of every such year, or None.
    """
    years = sorted(
        set(grades_by_year)
        | (set(last_place_years) if not isinstance(last_place_years, Mapping) else set(last_place_years))
    )
    due_years: list[int] = []
    reasons: list[Reason] = []
    for year in years:
        outcome = appraisal_consequences(grades_by_year=grades_by_year, last_place_years=last_place_years, year=year)
        if outcome.dismissal_due:
            due_years.append(year)
            reasons.extend(r for r in outcome.reasons if r.code != "appraisal_excellent")
    return DismissalDue(year=due_years[0], reasons=tuple(reasons)) if due_years else None


# --------------------------------------------------------------------------- qualification deadline


@dataclass(frozen=True)
class QualificationStatus:
    deadline: date
    met: bool
    days_left: int
    overdue: bool


def qualification_deadline(
    *,
    hire_date: date,
    level: str | None,
    obtained_on: date | None,
    today: date,
    policy: Policy,
    required_level: str = "intermediate",
) -> QualificationStatus:
    """Apply R-6: a hire must hold 社会工作师 (``required_level``) or higher within N years.

    1. ``deadline`` = the last day of ``policy.qualification_deadline_years`` years after
       ``hire_date`` (``jiuzhu.periods.end_of_period``: the hire day is not counted, 29 February
       → 28 February); the deadline day itself is still in time (以内). It does not move
       to a working day: it is compared with the certificate's date, which the issuing
       body sets, not with an act done at an office.
    2. ``met``: the held ``level`` ranks at or above ``required_level`` and was
       obtained on or before the deadline and on or before ``today`` (a certificate
       dated in the future is not held yet). One obtained before hiring counts.
    3. ``days_left`` = days from ``today`` to the deadline: 0 on the deadline day,
       negative after it (whether or not ``met``).
    4. ``overdue``: not met and ``today`` is after the deadline (also when the
       certificate came late).
    """
    if level == "none":  # the Candidate spelling of "no certificate"
        level = None
    if (level is None) != (obtained_on is None):
        raise ValueError("level and obtained_on must be given together")
    required = qualification_rank(required_level)
    deadline = end_of_period(hire_date, years=policy.qualification_deadline_years)
    met = (
        level is not None
        and obtained_on is not None
        and qualification_rank(level) >= required
        and obtained_on <= deadline
        and obtained_on <= today
    )
    return QualificationStatus(
        deadline=deadline,
        met=met,
        days_left=(deadline - today).days,
        overdue=not met and today > deadline,
    )


# --------------------------------------------------------------------------- staffing compliance (S-2.1.1)


@dataclass(frozen=True)
class Post:
    """A caseworker's time in post at one township; ``end`` is the last day (None: still in post)."""

    township_code: str
    start: date
    end: date | None
    full_time: bool


@dataclass(frozen=True)
class Gap:
    """Days with no full-time caseworker in post; ``until`` is the last such day, None if still open."""

    since: date
    until: date | None

    def days(self, *, through: date) -> int:
        """Count the gap's days, an open gap counted through ``through``."""
        last = self.until if self.until is not None else through
        return max(0, (last - self.since).days + 1)


def first_check_date(policy: Policy) -> date:
    """Return the date from which townships must have a full-time caseworker (S-2.1.1)."""
    return date.fromisoformat(policy.staffing_first_check_date)


def township_gaps(
    *,
    township_codes: Iterable[str],
    posts: Iterable[Post],
    start: date,
    end: date,
) -> dict[str, list[Gap]]:
    """Find, per township, the date ranges in [start, end] with no full-time caseworker.

    ``start`` is normally ``policy.staffing_first_check_date`` (2018-05-25) and ``end``
    the day checked up to (both inclusive). A gap that still runs on ``end`` is
    returned open (``until=None``). Part-time posts and posts of townships not in
    ``township_codes`` are ignored. Every listed township gets a key (an empty list
    when always staffed).

    1. Keep the full-time posts that overlap [start, end], clipped to it.
    2. Sort each township's posts by start.
    3. Sweep, holding the last covered day; any day after it and before the next
       start is a gap. O(n log n) in the number of posts, independent of dates.
    """
    if end < start:
        raise ValueError("end is before start")
    by_township: dict[str, list[tuple[date, date]]] = {code: [] for code in township_codes}
    for post in posts:
        if not post.full_time or post.township_code not in by_township:
            continue
        post_end = end if post.end is None else min(post.end, end)
        post_start = max(post.start, start)
        if post_start <= post_end:
            by_township[post.township_code].append((post_start, post_end))

    one_day = timedelta(days=1)
    result: dict[str, list[Gap]] = {}
    for code, spans in by_township.items():
        spans.sort()
        gaps: list[Gap] = []
        next_uncovered = start  # first day not yet known to be covered
        for span_start, span_end in spans:
            if span_start > next_uncovered:
                gaps.append(Gap(since=next_uncovered, until=span_start - one_day))
            if span_end >= next_uncovered:
                next_uncovered = span_end + one_day
        if next_uncovered <= end:
            gaps.append(Gap(since=next_uncovered, until=None))
        result[code] = gaps
    return result


@dataclass(frozen=True)
class Span:
    """A date range, both ends included; ``end`` None: still running (an open-ended contract)."""

    start: date
    end: date | None


def _merge_spans(spans: Iterable[Span]) -> list[Span]:
    """The union of ``spans`` as disjoint spans in order (touching ones joined)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if span.end is not None and span.end < span.start:
            continue
        if merged:
            last = merged[-1]
            if last.end is None or span.start <= last.end + timedelta(days=1):
                end = None if last.end is None or span.end is None else max(last.end, span.end)
                merged[-1] = Span(last.start, end)
                continue
        merged.append(span)
    return merged


def covering_posts(*, posts: Iterable[Post], contracts: Iterable[Span]) -> list[Post]:
    """Return the parts of ONE caseworker's posts that cover their township (S-2.1.1).

    The one definition of a covered township-day, for the board, the dashboards, the
    funding page and the sheets: a **full-time** caseworker **in post** with an
    **employment contract running** that day (S-2.1.2). A part-time post, or days in post
    before a contract starts or after it ended, cover nothing. Overlapping contracts
    count once, so no day is counted twice for one post.
    """
    spans = _merge_spans(contracts)
    covering: list[Post] = []
    for post in posts:
        if not post.full_time:
            continue
        for span in spans:
            start = max(post.start, span.start)
            if post.end is None:
                end = span.end
            elif span.end is None:
                end = post.end
            else:
                end = min(post.end, span.end)
            if end is None or start <= end:
                covering.append(Post(township_code=post.township_code, start=start, end=end, full_time=True))
    return covering


def covered_townships(*, posts: Iterable[Post], day: date) -> set[str]:
    """The townships covered on ``day`` by ``posts`` (already reduced by ``covering_posts``)."""
    return {p.township_code for p in posts if p.full_time and p.start <= day and (p.end is None or day <= p.end)}


# --------------------------------------------------------------------------- funding (S-2.1.4)

FUNDING_BASES = ("days", "months")
COMMON_YEAR_DAYS = 365
LEAP_YEAR_DAYS = 366
YEARS_PLACES = 6
"""Caseworker-years are shown to this many decimals; the requirement is computed from the
exact fraction (days in post / days in the year) and rounded once, to the cent."""


def days_in_year(year: int) -> int:
    return LEAP_YEAR_DAYS if calendar.isleap(year) else COMMON_YEAR_DAYS


def _clip_to_year(post: Post, year: int) -> tuple[date, date] | None:
    """The part of ``year`` a post held (both ends included), or None if it held none."""
    start = max(post.start, date(year, 1, 1))
    end = date(year, 12, 31) if post.end is None else min(post.end, date(year, 12, 31))
    return (start, end) if start <= end else None


def post_days_in_year(post: Post, year: int) -> int:
    """Days of ``year`` a post held (both ends included); part-time posts count like any other here."""
    held = _clip_to_year(post, year)
    return (held[1] - held[0]).days + 1 if held else 0


@dataclass(frozen=True)
class FundingLine:
    caseworker_years: Decimal
    """Shown: ``exact_years`` rounded half up to ``YEARS_PLACES`` decimals."""
    days_in_post: int
    months_in_post: Decimal
    required: Decimal
    exact_years: Fraction | None = None
    """Days (or months) in post over days in the year (or 12), unrounded."""


@dataclass(frozen=True)
class FundingCheck:
    ok: bool
    shortfall: Decimal
    no_caseworker: bool = False
    """No full-time caseworker covered the township on any day of the year: not met
    (S-2.1.1), whatever was transferred, although nothing is short (0 ≥ 0)."""


def _months_held_on_15th(start: date, end: date) -> int:
    """Count the months of [start, end] whose 15th lies inside it."""
    first = (start.year, start.month) if start.day <= 15 else _next_month(start.year, start.month)
    last = (end.year, end.month) if end.day >= 15 else _previous_month(end.year, end.month)
    count = (last[0] - first[0]) * 12 + (last[1] - first[1]) + 1
    return max(0, count)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def required_transfer(
    *,
    posts_in_year: Iterable[Post],
    year: int,
    floor: Decimal,
    basis: str = "days",
) -> FundingLine:
    """Compute the county's minimum transfer for ``year``: floor × caseworker-years in post.

    Only full-time posts count (S-2.1.4 funds full-time caseworkers, S-2.1.1).
    Each post is clipped to the year; overlapping posts are different caseworkers
    and each counts.

    * ``basis="days"``: caseworker-years = days in post / days in the year (366 in
      a leap year).
    * ``basis="months"``: a month counts when the caseworker was in post on its
      15th (so a half month or more counts, less does not, and a month is never
      counted twice for one post); caseworker-years = months / 12.

    ``days_in_post`` and ``months_in_post`` are always both reported. The days of all
    the township's posts are summed first, then:

    1. ``exact_years`` = days / days in the year (or months / 12), a fraction;
    2. ``required`` = floor × ``exact_years``, rounded once, half up to the cent
       (50000 × 184/366 = 25136.612 → 25136.61; rounding the years to 0.502732 first
       would give 25136.60);
    3. ``caseworker_years`` = ``exact_years`` half up to ``YEARS_PLACES`` decimals, for
       the sheet only.
    """
    if basis not in FUNDING_BASES:
        raise ValueError(f"unknown basis {basis!r}; expected one of {FUNDING_BASES}")
    floor = Decimal(floor)
    if floor < 0:
        raise ValueError("floor cannot be negative")
    days = 0
    months = 0
    for post in posts_in_year:
        held = _clip_to_year(post, year) if post.full_time else None
        if held is None:
            continue
        days += (held[1] - held[0]).days + 1
        months += _months_held_on_15th(*held)
    if basis == "days":
        exact_years = Fraction(days, days_in_year(year))
    else:
        exact_years = Fraction(months, 12)
    return FundingLine(
        caseworker_years=round_years(exact_years),
        days_in_post=days,
        months_in_post=Decimal(months),
        required=round_money(exact(floor) * exact_years),
        exact_years=exact_years,
    )


def round_years(years: Fraction) -> Decimal:
    """Show caseworker-years: half up to ``YEARS_PLACES`` decimals."""
    scaled = years * 10**YEARS_PLACES
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    whole += 1 if 2 * rest >= scaled.denominator else 0  # years are never negative
    return (Decimal(whole) / 10**YEARS_PLACES).quantize(Decimal(1).scaleb(-YEARS_PLACES))


def check_funding(*, required: Decimal, transferred: Decimal, covered_days: int | None = None) -> FundingCheck:
    """Check that the transfer is not below the required amount (不低于: equal is enough).

    ``covered_days`` (the township's caseworker-days in the year, ``FundingLine.days_in_post``)
    0: the township had no full-time caseworker, which is a gap, never "met".
    """
    if covered_days == 0:
        return FundingCheck(ok=False, shortfall=Decimal("0.00"), no_caseworker=True)
    shortfall = Decimal(required) - Decimal(transferred)
    if shortfall <= 0:
        return FundingCheck(ok=True, shortfall=Decimal("0.00"))
    return FundingCheck(ok=False, shortfall=shortfall.quantize(CENT, rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- unified social credit code (GB 32100-2015)

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
# Character 1: the registration authority (1 编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游,
# 7 宗教, 8 工会, 9 市场监管, A 中央军委编制, N 农业农村, Y 其他); character 2: the organisation
# type within it (a digit, 1–9); characters 3–8: the registering office's region code (six
# digits, GB/T 2260). Characters 9–17 are the organisation code (GB 11714) and 18 the check.
CREDIT_CODE_AUTHORITIES = "123456789ANY"
CREDIT_CODE_TYPES = "123456789"


@dataclass(frozen=True)
class CreditCodeCheck:
    valid: bool
    normal: str
    reasons: tuple[Reason, ...] = ()


def normalise_credit_code(code: str) -> str:
    """Return the code with full-width characters made half-width, all whitespace removed, upper-cased."""
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


def credit_code_check_character(first17: str) -> str:
    """Return the check character (18th) for the first 17 characters of a credit code."""
    if len(first17) != CREDIT_CODE_LENGTH - 1:
        raise ValueError("need exactly 17 characters")
    total = sum(CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(code: str) -> CreditCodeCheck:
    """Validate a unified social credit code: length, alphabet, the structure of characters
    1–8 (registration authority, organisation type, six-digit region), check character.

    ``normal`` is the normalised code (see ``normalise_credit_code``). Illegal
    characters are all reported, each with its 1-based position; the check
    character is verified only when length and alphabet are right.
    """
    normal = normalise_credit_code(code)
    reasons: list[Reason] = []
    if len(normal) != CREDIT_CODE_LENGTH:
        reasons.append(
            Reason.of(
                "credit_code_length",
                N_("The credit code has %(length)s characters: it must have %(expected)s."),
                length=len(normal),
                expected=CREDIT_CODE_LENGTH,
            )
        )
    for position, ch in enumerate(normal, start=1):
        if ch not in CREDIT_CODE_ALPHABET:
            reasons.append(
                Reason.of(
                    "credit_code_character",
                    N_(
                        'Character %(position)s of the credit code, "%(character)s", is not allowed (the letters I, O, Z, S and V are never used).'
                    ),
                    position=position,
                    character=ch,
                )
            )
    authority, kind, region = normal[:1], normal[1:2], normal[2:8]
    if authority in CREDIT_CODE_ALPHABET and authority not in CREDIT_CODE_AUTHORITIES:
        reasons.append(
            Reason.of(
                "credit_code_authority",
                N_(
                    'Character 1 of the credit code, "%(character)s", is not a registration authority code '
                    "(1 to 9, A, N or Y)."
                ),
                character=authority,
            )
        )
    if kind in CREDIT_CODE_ALPHABET and kind not in CREDIT_CODE_TYPES:
        reasons.append(
            Reason.of(
                "credit_code_type",
                N_(
                    'Character 2 of the credit code, "%(character)s", is not an organisation type code: it must be a '
                    "digit from 1 to 9."
                ),
                character=kind,
            )
        )
    if region and all(ch in CREDIT_CODE_ALPHABET for ch in region) and not (region.isdigit() and region.isascii()):
        reasons.append(
            Reason.of(
                "credit_code_region",
                N_(
                    'Characters 3 to 8 of the credit code, "%(region)s", are not a region code: they must be six digits.'
                ),
                region=region,
            )
        )
    if not reasons:
        expected = credit_code_check_character(normal[:17])
        if normal[17] != expected:
            reasons.append(
                Reason.of(
                    "credit_code_check",
                    N_(
                        "The check character of the credit code does not match the other characters: check it for a typing error."
                    ),
                )
            )
    return CreditCodeCheck(valid=not reasons, normal=normal, reasons=tuple(reasons))
