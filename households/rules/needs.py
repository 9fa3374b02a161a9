"""Needs assessment: from per-domain ratings to a household's priority."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jiuzhu.reasons import N_, Reason

NEED_DOMAINS = ("living", "schooling", "employment", "medical", "housing", "psychological", "social_support", "care")
NEED_LEVELS = ("none", "low", "medium", "high")
ESSENTIAL_DOMAINS = frozenset({"living", "medical", "care"})
"""Domains where a high need threatens basic survival or safety."""

PRIORITY_LEVELS = ("urgent", "high", "normal", "low")

# A domain left unrated is refused, not read as "none": a half-filled assessment would
# otherwise save as a household without needs.
UNRATED_TEMPLATES = {
    "living": N_("Choose the level of need for basic living."),
    "schooling": N_("Choose the level of need for schooling."),
    "employment": N_("Choose the level of need for employment."),
    "medical": N_("Choose the level of need for medical care."),
    "housing": N_("Choose the level of need for housing."),
    "psychological": N_("Choose the level of need for psychological support."),
    "social_support": N_("Choose the level of need for social support network."),
    "care": N_("Choose the level of need for daily care."),
}


def unrated_domains(ratings: Mapping[str, str | None]) -> dict[str, Reason]:
    """The domains of ``NEED_DOMAINS`` given no level in ``ratings``, each with its reason."""
    return {
        domain: Reason.of("needs.unrated", UNRATED_TEMPLATES[domain], domain=domain)
        for domain in NEED_DOMAINS
        if not ratings.get(domain)
    }


# One template per domain, so the domain is translated with the sentence (a parameter
# would reach the user untranslated). The domain code is still passed as ``domain``.
HIGH_NEED_TEMPLATES = {
    "living": N_("High need: basic living."),
    "schooling": N_("High need: schooling."),
    "employment": N_("High need: employment."),
    "medical": N_("High need: medical care."),
    "housing": N_("High need: housing."),
    "psychological": N_("High need: psychological support."),
    "social_support": N_("High need: social support network."),
    "care": N_("High need: daily care."),
}
MEDIUM_NEED_TEMPLATES = {
    "living": N_("Medium need: basic living."),
    "schooling": N_("Medium need: schooling."),
    "employment": N_("Medium need: employment."),
    "medical": N_("Medium need: medical care."),
    "housing": N_("Medium need: housing."),
    "psychological": N_("Medium need: psychological support."),
    "social_support": N_("Medium need: social support network."),
    "care": N_("Medium need: daily care."),
}


@dataclass(frozen=True)
class Priority:
    level: str  # one of PRIORITY_LEVELS
    reasons: tuple[Reason, ...] = ()


def needs_priority(ratings: Mapping[str, str]) -> Priority:
    """Turn needs ratings into a priority; the first rule that applies wins.

    1. urgent: a high need in living, medical or care, or high needs in 3 or more domains.
    2. high: any other high need.
    3. normal: any medium need.
    4. low: otherwise (only low or none; unrated domains count as none).
    Unknown domains or levels raise ValueError, so a typo cannot lower a priority.
    """
    for domain, level in ratings.items():
        if domain not in NEED_DOMAINS:
            raise ValueError(f"unknown needs domain {domain!r}")
        if level not in NEED_LEVELS:
            raise ValueError(f"unknown needs level {level!r} for {domain!r}")
    highs = [d for d in NEED_DOMAINS if ratings.get(d) == "high"]
    mediums = [d for d in NEED_DOMAINS if ratings.get(d) == "medium"]
    essential = [d for d in highs if d in ESSENTIAL_DOMAINS]
    if essential:
        return Priority(
            level="urgent",
            reasons=tuple(Reason.of("high_essential_need", HIGH_NEED_TEMPLATES[d], domain=d) for d in essential),
        )
    if len(highs) >= 3:
        return Priority(
            level="urgent",
            reasons=(Reason.of("many_high_needs", N_("High needs in %(count)s domains."), count=len(highs)),),
        )
    if highs:
        return Priority(
            level="high",
            reasons=tuple(Reason.of("high_need", HIGH_NEED_TEMPLATES[d], domain=d) for d in highs),
        )
    if mediums:
        return Priority(
            level="normal",
            reasons=tuple(Reason.of("medium_need", MEDIUM_NEED_TEMPLATES[d], domain=d) for d in mediums),
        )
    return Priority(level="low", reasons=(Reason.of("no_significant_need", N_("No medium or high needs were rated.")),))
