from __future__ import annotations

import pytest

from households.rules import needs_priority


@pytest.mark.parametrize("domain", ["living", "medical", "care"])
def test_high_need_in_essential_domain_is_urgent(domain):
    assert needs_priority({domain: "high"}).level == "urgent"


def test_three_high_needs_outside_essential_domains_are_urgent():
    ratings = {"schooling": "high", "housing": "high", "employment": "high"}
    assert needs_priority(ratings).level == "urgent"


def test_one_or_two_high_needs_outside_essential_domains_are_high():
    assert needs_priority({"schooling": "high"}).level == "high"
    assert needs_priority({"schooling": "high", "housing": "high", "living": "medium"}).level == "high"


def test_any_medium_need_without_high_is_normal():
    priority = needs_priority({"living": "medium", "schooling": "low"})
    assert priority.level == "normal"
    assert [dict(r.params)["domain"] for r in priority.reasons] == ["living"]


def test_only_low_or_none_needs_are_low():
    assert needs_priority({"living": "low", "care": "none"}).level == "low"
    assert needs_priority({}).level == "low"


def test_unknown_domain_or_level_is_rejected():
    with pytest.raises(ValueError):
        needs_priority({"food": "high"})
    with pytest.raises(ValueError):
        needs_priority({"living": "very high"})
