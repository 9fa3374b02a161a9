"""Navigation by role. Each app lists its own entries in ``<app>/nav.py`` as
``items(user) -> list[NavItem]``, so no app edits another's menu."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    count: int | None = None
    order: int = 50

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    found: list[NavItem] = []
    for app in settings.JIUZHU_APP_MODULES:
        try:
            module = import_module(f"{app}.nav")
        except ModuleNotFoundError:
            continue
        found.extend(module.items(user))
    return sorted(found, key=lambda item: item.order)


def navigation(request) -> dict:
    return {"nav_items": items_for(getattr(request, "user", None))}
