"""Navigation by role. Each app lists its own entries in ``<app>/nav.py`` as
``items(user) -> list[NavItem]``, so no app edits another's menu; ``settings.JIUZHU_MENUS``
lists those functions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    count: int | None = None
    order: int = 50

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@cache
def _menus(paths: tuple[str, ...]) -> list:
    return [import_string(path) for path in paths]


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    found: list[NavItem] = []
    for items in _menus(tuple(settings.JIUZHU_MENUS)):
        found.extend(items(user))
    return sorted(found, key=lambda item: item.order)


def navigation(request) -> dict:
    return {"nav_items": items_for(getattr(request, "user", None))}
