"""The home-visit survey (入户调查): what a complete, truthful record needs.

Plain rules over the facts the service loads: the visit date, who was present, and the
outcome given for each active member. ``survey_problems`` returns every problem at once,
keyed by the form field it belongs to, so the phone form shows each next to its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from households.rules.dates import fact_date_reason, planned_date_reason
from jiuzhu.reasons import N_, Reason

CONFIRMED, CHANGED, ABSENT = "confirmed", "changed", "absent"
OUTCOMES = (CONFIRMED, CHANGED, ABSENT)
MIN_PRESENT = 2
"""Two caseworkers at every home visit (the seed's 入户调查 by two people)."""


@dataclass(frozen=True)
class MemberCheck:
    outcome: str = ""
    note: str = ""


def survey_problems(
    *,
    visited_on: date | None,
    today: date,
    follow_up_on: date | None,
    present: int,
    registered_on: date | None = None,
    present_from_township: int,
    members: Mapping[int, str],
    checks: Mapping[int, MemberCheck],
) -> dict[str, list[Reason]]:
    """Every problem of a survey, by field (``member_<id>`` for a member's check).

    ``present``: how many distinct people are recorded as present; ``present_from_township``:
    how many of them are caseworkers or officers of the household's township. ``members``:
    the household's active members (id → name); ``checks``: the outcome given per member id.
    """
    problems: dict[str, list[Reason]] = {}

    def add(field: str, reason: Reason) -> None:
        problems.setdefault(field, []).append(reason)

    if visited_on is None:
        add("visited_on", Reason.of("survey.no_date", N_("Enter the visit date.")))
    else:
        wrong_date = fact_date_reason(visited_on, today=today, registered_on=registered_on)
        if wrong_date is not None:
            add("visited_on", wrong_date)
        wrong_plan = planned_date_reason(follow_up_on, after=visited_on)
        if wrong_plan is not None:
            add("follow_up_on", wrong_plan)
    if present < MIN_PRESENT:
        add("present", Reason.of("survey.two_present", N_("A home visit needs two caseworkers present.")))
    elif present_from_township != present:
        add(
            "present",
            Reason.of(
                "survey.present_township",
                N_("Those present must be caseworkers or officers of the household's township."),
            ),
        )
    for pk, name in members.items():
        check = checks.get(pk)
        if check is None or not check.outcome:
            add(
                f"member_{pk}",
                Reason.of(
                    "survey.no_outcome", N_("Say whether %(name)s was confirmed, changed or not met."), name=name
                ),
            )
        elif check.outcome == CHANGED and not check.note.strip():
            add(
                f"member_{pk}", Reason.of("survey.no_change_note", N_("Describe what changed for %(name)s."), name=name)
            )
        elif check.outcome not in OUTCOMES:
            add(f"member_{pk}", Reason.of("survey.bad_outcome", N_("Choose a valid outcome.")))
    if set(checks) - set(members):
        add(
            "non_field_errors",
            Reason.of("survey.foreign_member", N_("A checked member is not an active member of this household.")),
        )
    return problems
