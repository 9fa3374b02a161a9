"""One head (户主) per household: the rule every way of adding a member asks."""

from __future__ import annotations

from households.rules import imported_heads, second_head


def test_a_second_head_is_refused_and_the_head_itself_may_stay_head():
    assert second_head(relation="head", current_head_id=7).code == "member.second_head"
    assert second_head(relation="head", current_head_id=7, member_id=7) is None
    assert second_head(relation="head", current_head_id=None) is None
    assert second_head(relation="spouse", current_head_id=7) is None


def test_an_imported_household_has_exactly_one_head():
    assert imported_heads(heads_in_file=1, has_recorded_head=False) is None
    assert imported_heads(heads_in_file=0, has_recorded_head=True) is None
    assert imported_heads(heads_in_file=2, has_recorded_head=False).code == "import.heads"
    assert imported_heads(heads_in_file=1, has_recorded_head=True).code == "import.heads"
    assert imported_heads(heads_in_file=0, has_recorded_head=False).code == "import.no_head"
