"""When a fact may be dated: never after today, never before what it follows.

One rule for every recorded fact (a household's registration, a verification, an
assessment, a plan's consent, a service record, a volunteer's registration, a training,
a referral): a wrong date pushed reviews a year out and put future visits in exports.
"""

from __future__ import annotations

from datetime import date

from jiuzhu.reasons import N_, Reason


def fact_date_reason(day: date | None, *, today: date, not_before: date | None = None) -> Reason | None:
    """Why ``day`` cannot date a fact (None: it can). ``not_before``: the household's
    registration date, for the facts of its file. Today itself is allowed."""
    if day is None:
        return None
    if day > today:
        return Reason.of("date.future", N_("The date cannot be in the future."))
    if not_before is not None and day < not_before:
        return Reason.of(
            "date.before_registration",
            N_("The date cannot be before the household was registered (%(day)s)."),
            day=not_before.isoformat(),
        )
    return None
