"""The rules' reason templates reach the catalogue, and every staffing string has its Chinese."""

from __future__ import annotations

from django.utils import translation

from staffing.messages import TEMPLATES
from tests.staffing.test_rules import REPO, n_templates, po_entries


def test_every_rule_template_is_listed_for_extraction():
    assert set(TEMPLATES) == n_templates()


def test_staffing_fragment_is_valid_and_translated():
    entries = po_entries(REPO / "locale-fragments" / "staffing.po")
    assert "Language: zh_Hans" in entries[""]
    plural = "%(n)s township short"  # msgstr[0]: the simple parser reads only plain msgstr lines
    assert all(value for key, value in entries.items() if key and key != plural)
    assert len(entries) > 200


def test_a_rule_reason_renders_in_chinese_at_run_time():
    with translation.override("zh-hans"):
        assert translation.gettext("Not in good health.") == "身体健康状况不符合要求。"
