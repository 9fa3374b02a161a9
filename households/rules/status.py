"""A household's place on the register (待核实 / 在册 / 已退出), from its enrolments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jiuzhu.reasons import N_, Reason

from .codes import EnrolmentStatus, HouseholdStatus

PENDING, ON_REGISTER, EXITED = HouseholdStatus.PENDING, HouseholdStatus.ACTIVE, HouseholdStatus.EXITED
HOUSEHOLD_STATUSES = (PENDING, ON_REGISTER, EXITED)

IN_FORCE = frozenset({EnrolmentStatus.ACTIVE, EnrolmentStatus.GRADUAL_EXIT})
"""Enrolment statuses in which assistance is in force (a gradual exit still pays)."""
LIVE = IN_FORCE | {EnrolmentStatus.SUSPENDED}
"""Enrolment statuses not yet ended: in force, or suspended (paused, to be resumed or ended by
a decision). A live enrolment blocks a second one in its category and a hand-set exit."""
ENDED = EnrolmentStatus.ENDED


def household_status(*, current: str, enrolment_statuses: Iterable[str]) -> str:
    """The status a household's enrolments call for.

    1. Any enrolment in force (active or gradual exit): on the register.
    2. On the register, with enrolments all ended: exited (the last one ended).
    3. Otherwise unchanged: no enrolment ever (still to be verified, or a manual status),
       a suspended enrolment (neither in force nor ended), or a household re-registered
       by hand after its old enrolments ended (it waits for a new decision).
    """
    statuses = set(enrolment_statuses)
    if statuses & IN_FORCE:
        return ON_REGISTER
    if current == ON_REGISTER and statuses and statuses <= {ENDED}:
        return EXITED
    return current


@dataclass(frozen=True)
class StatusDecision:
    allowed: bool
    reasons: tuple[Reason, ...] = ()


def manual_status_change(*, current: str, to: str, in_force: bool, reason: str) -> StatusDecision:
    """May an officer set the status by hand? Only an exit (nothing in force) or a
    re-registration of an exited household (back to 待核实, to be decided again); 在册
    follows from a decision, never from a hand-set status. A reason is always required."""
    reasons: list[Reason] = []
    if not reason.strip():
        reasons.append(Reason.of("reason_required", N_("Give the reason for the change of status.")))
    if to == EXITED:
        if current == EXITED:
            reasons.append(Reason.of("already_exited", N_("The household has already exited.")))
        elif in_force:
            reasons.append(
                Reason.of(
                    "assistance_in_force",
                    N_(
                        "The household still has assistance in force; end it through a review before the household exits."
                    ),
                )
            )
    elif to == PENDING:
        if current != EXITED:
            reasons.append(Reason.of("not_exited", N_("Only a household that has exited can be registered again.")))
    else:
        reasons.append(
            Reason.of("not_by_hand", N_("A household goes on the register when assistance is approved, not by hand."))
        )
    return StatusDecision(allowed=not reasons, reasons=tuple(reasons))
