"""The one exception services raise when a rule refuses a change."""

from __future__ import annotations

from collections.abc import Iterable

from jiuzhu.reasons import Reason


class RuleViolation(Exception):
    """A change a rule refuses; carries the reasons, optionally per field.

    ``reasons`` are ``Reason`` objects or already translated strings. Views show them
    next to the form; the API's exception handler answers 400 with them.
    """

    def __init__(self, reasons: Iterable[Reason | str] | Reason | str, *, field: str | None = None) -> None:
        if isinstance(reasons, (Reason, str)):
            reasons = [reasons]
        self.reasons = list(reasons)
        self.field = field
        super().__init__("; ".join(str(r) for r in self.reasons))

    def messages(self) -> list[str]:
        from jiuzhu.i18n import render_reason

        return [render_reason(r) if isinstance(r, Reason) else str(r) for r in self.reasons]

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": self.messages()}


class StaleEdit(RuleViolation):
    """Someone else saved the record since this form was opened."""
