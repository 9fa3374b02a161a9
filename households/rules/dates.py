"""When a fact may be dated: never after today, never before what it follows.

One rule for every recorded fact (a household's registration, a verification, an
assessment, a survey, a plan's consent, a service record, a volunteer's registration, a
training, a referral): a wrong date pushed reviews a year out and put future visits in
exports. And one for every planned date (a follow-up, a next visit, an action's due
date): it comes after the fact it follows.

Each refusal names the date entered and the bound it broke, so a caseworker who typed
2027 for 2026 sees which of the two dates is wrong.
"""

from __future__ import annotations

from datetime import date

from jiuzhu.reasons import N_, Reason


def fact_date_reason(
    day: date | None,
    *,
    today: date,
    registered_on: date | None = None,
    born_on: date | None = None,
    not_before: date | None = None,
) -> Reason | None:
    """Why ``day`` cannot date a fact (None: it can). Today itself is allowed, and so are
    the registration day and the birth day.

    ``registered_on``: the household's 建档日期, for the facts of its file (``not_before`` is
    its older name); ``born_on``: the member's birth date, for a fact about one member.
    """
    if day is None:
        return None
    registered_on = registered_on or not_before
    if day > today:
        return Reason.of(
            "date.future",
            N_("The date %(day)s is after today (%(today)s)."),
            day=day.isoformat(),
            today=today.isoformat(),
        )
    if born_on is not None and day < born_on:
        return Reason.of(
            "date.before_birth",
            N_("The date %(day)s is before the member was born (%(born_on)s)."),
            day=day.isoformat(),
            born_on=born_on.isoformat(),
        )
    if registered_on is not None and day < registered_on:
        return Reason.of(
            "date.before_registration",
            N_("The date %(day)s is before the household was registered (%(registered_on)s)."),
            day=day.isoformat(),
            registered_on=registered_on.isoformat(),
        )
    return None


def registration_date_reason(day: date | None, *, today: date, first_fact_on: date | None = None) -> Reason | None:
    """Why ``day`` cannot be a household's 建档日期: after today, or after the earliest fact
    already in its file (which would then predate the file)."""
    if day is None:
        return None
    reason = fact_date_reason(day, today=today)
    if reason is not None:
        return reason
    if first_fact_on is not None and day > first_fact_on:
        return Reason.of(
            "date.registration_after_facts",
            N_("The registration date %(day)s is after the earliest record in the file (%(first)s)."),
            day=day.isoformat(),
            first=first_fact_on.isoformat(),
        )
    return None


def planned_date_reason(day: date | None, *, after: date | None, same_day: bool = False) -> Reason | None:
    """Why ``day`` cannot be a planned date following the fact dated ``after`` (None: it
    can). A next visit comes strictly after this one; ``same_day``: a due date or a
    follow-up call may fall on the day itself."""
    if day is None or after is None:
        return None
    if day < after or (day == after and not same_day):
        return Reason.of(
            "date.planned_not_after",
            N_("The planned date %(day)s must be after the date it follows (%(after)s).")
            if not same_day
            else N_("The planned date %(day)s cannot be before the date it follows (%(after)s)."),
            day=day.isoformat(),
            after=after.isoformat(),
        )
    return None
