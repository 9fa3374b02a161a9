"""Sections other apps add to the dossier page (plans, services, reviews...).

Each app in ``settings.JIUZHU_APP_MODULES`` may have ``<app>/dossier_sections_extra.py``
with ``sections(*, household, user) -> list[(order, title, template_name, context)]``.
A section must fetch its rows in a fixed number of queries (the page's query count
must not grow with rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings


@dataclass(frozen=True)
class Section:
    order: int
    title: str
    template_name: str
    context: dict


def _extra_module(app: str):
    name = f"{app}.dossier_sections_extra"
    try:
        return import_module(name)
    except ModuleNotFoundError as error:
        if error.name not in (name, app):  # a missing import inside the module is a real bug
            raise
        return None


def sections_for(*, household, user) -> list[Section]:
    found: list[Section] = []
    for app in settings.JIUZHU_APP_MODULES:
        module = _extra_module(app)
        if module is None or not hasattr(module, "sections"):
            continue
        for order, title, template_name, context in module.sections(household=household, user=user):
            found.append(Section(order, str(title), template_name, dict(context)))
    return sorted(found, key=lambda s: s.order)
