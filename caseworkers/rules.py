"""Caseworker rules: plain Python, no Django. Transitions of referrals and typical cases."""

from __future__ import annotations

import re
from dataclasses import dataclass

from households.rules.identity import normalize_id_number
from jiuzhu.reasons import N_, Reason

__all__ = [
    "CASE_TRANSITIONS",
    "REFERRAL_TRANSITIONS",
    "Transition",
    "case_transition",
    "personal_numbers_in_text",
    "referral_transition",
]

# After the ID-number normal form (half-width, no spaces or dashes between digits):
# 17 digits and a check character, or a mainland mobile number (optionally after 86),
# not part of a longer run of digits.
_ID_NUMBER = re.compile(r"(?<![0-9X])[0-9]{17}[0-9X](?![0-9X])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])")

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
        return Transition(
            False, (Reason.of("referral_bad_step", N_("A referral must be accepted before it is done.")),)
        )
    if target == "failed" and not reason.strip():
        return Transition(False, (Reason.of("referral_reason", N_("Give the reason the referral failed.")),))
    return Transition(True)


def case_transition(current: str, target: str, *, anonymised: bool = True) -> Transition:
    """Whether a typical case may move from ``current`` to ``target``.

    Submitting requires the author's confirmation that the write-up is anonymised."""
    if target not in CASE_TRANSITIONS.get(current, ()):
        return Transition(False, (Reason.of("case_bad_step", N_("This case cannot take that step now.")),))
    if target == "submitted" and not anonymised:
        return Transition(
            False, (Reason.of("case_not_anonymised", N_("Confirm that names, ID numbers and addresses were removed.")),)
        )
    return Transition(True)


def words_in_text(texts: tuple[str, ...], words: list[str]) -> Transition:
    """Whether the write-up is free of the given names and address; the reason names each found."""
    found = sorted({w for w in words if len(w.strip()) >= 2 and any(w.strip() in t for t in texts)})
    if not found:
        return Transition(True)
    return Transition(
        False,
        (
            Reason.of(
                "case_identifying_words",
                N_("Remove these words from the text, a typical case is anonymised: %(words)s."),
                words="、".join(found),
            ),
        ),
    )


def personal_numbers_in_text(*texts: str) -> Transition:
    """Whether a write-up is free of ID numbers and mobile numbers (an anonymised case holds neither)."""
    reasons: list[Reason] = []
    for text in texts:
        normal = normalize_id_number(text)
        if _ID_NUMBER.search(normal) and not any(r.code == "case_id_number" for r in reasons):
            reasons.append(
                Reason.of("case_id_number", N_("Remove the ID number from the text: a typical case is anonymised."))
            )
        if _MOBILE.search(normal) and not any(r.code == "case_phone" for r in reasons):
            reasons.append(
                Reason.of("case_phone", N_("Remove the phone number from the text: a typical case is anonymised."))
            )
    return Transition(not reasons, tuple(reasons))
