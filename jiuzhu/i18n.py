"""Render rule outcomes (``jiuzhu.reasons.Reason``) in the user's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext

from jiuzhu.reasons import Reason


def render_reason(reason: Reason) -> str:
    return reason.render(gettext)


def render_reasons(reasons: Iterable[Reason]) -> list[str]:
    return [render_reason(r) for r in reasons]
