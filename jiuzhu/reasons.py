"""Reasons that rules give, translatable without importing Django.

Rules are plain Python (no Django import), yet the user reads their reasons in
Chinese. A rule returns ``Reason`` objects whose template is an English source
string marked with ``N_`` (so ``makemessages`` extracts it); the Django layer
renders it through gettext with ``jiuzhu.i18n.render_reason``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark a string for translation; translated later, where it is shown."""
    return message


@dataclass(frozen=True)
class Reason:
    code: str
    template: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, template: str, **params: object) -> Reason:
        return cls(code=code, template=template, params=tuple(sorted(params.items())))

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        return translate(self.template) % dict(self.params) if self.params else translate(self.template)

    def __str__(self) -> str:  # English, for logs and assertion messages
        return self.render()
