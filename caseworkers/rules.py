"""Caseworker rules: plain Python, no Django. Transitions of referrals and typical cases."""

from __future__ import annotations

from dataclasses import dataclass

from jiuzhu.reasons import N_, Reason

__all__ = ["CASE_TRANSITIONS", "REFERRAL_TRANSITIONS", "Transition", "case_transition", "referral_transition"]

# sent → accepted → done; sent or accepted → failed (with a reason). done and failed are final.
REFERRAL_TRANSITIONS = {
    "sent": frozenset({"accepted", "failed"}),
    "accepted": frozenset({"done", "failed"}),
    "done": frozenset(),
    "failed": frozenset(),
}

# draft → submitted → approved | returned; returned → submitted again.
CASE_TRANSITIONS = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset({"approved", "returned"}),
    "returned": frozenset({"submitted"}),
    "approved": frozenset(),
}


@dataclass(frozen=True)
class Transition:
    ok: bool
    reasons: tuple[Reason, ...] = ()


def referral_transition(current: str, target: str, *, reason: str = "") -> Transition:
    """Whether a referral may move from ``current`` to ``target``; a failure needs a reason."""
    if target not in REFERRAL_TRANSITIONS.get(current, ()):
        if current in ("done", "failed"):
            return Transition(False, (Reason.of("referral_closed", N_("This referral is closed and cannot change.")),))
        return Transition(False, (Reason.of("referral_bad_step", N_("A referral must be accepted before it is done.")),))
    if target == "failed" and not reason.strip():
        return Transition(False, (Reason.of("referral_reason", N_("Give the reason the referral failed.")),))
    return Transition(True)


def case_transition(current: str, target: str, *, anonymised: bool = True) -> Transition:
    """Whether a typical case may move from ``current`` to ``target``.

    Submitting requires the author's confirmation that the write-up is anonymised."""
    if target not in CASE_TRANSITIONS.get(current, ()):
        return Transition(False, (Reason.of("case_bad_step", N_("This case cannot take that step now.")),))
    if target == "submitted" and not anonymised:
        return Transition(False, (Reason.of("case_not_anonymised", N_("Confirm that names, ID numbers and addresses were removed.")),))
    return Transition(True)
