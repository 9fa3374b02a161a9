"""Sections other parts and apps add to the dossier page (plans, reviews, referrals...).

Each registers a provider in its ``AppConfig.ready()``: a callable
``(*, household, user) -> list[Section]``. The page and its print render the sections by
``order``, each one's template with the names of its ``context`` as template variables
(``{% dossier_section %}``, households/templatetags/dossier.py), besides the page's own
(``household``, ``user``): a template reads ``referrals``, not ``section.referrals``. The
section's ``timeline`` entries join the dossier's timeline. A provider fetches its rows in
a fixed number of queries (the page's query count must not grow with rows). The list of
providers is what the apps' ``ready()`` say, nothing is probed for: a provider that fails
to import fails start-up.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TimelineEntry:
    """One dated record of the file: what (``title``, ``detail``) and who did it (a person's name)."""

    on: datetime.date
    kind: str
    title: str
    detail: str = ""
    by: str = ""


@dataclass(frozen=True)
class Section:
    key: str  # the section's element id on the page ("referrals"), unique on the page
    order: int
    title: str
    template_name: str
    context: Mapping = field(default_factory=dict)
    timeline: tuple[TimelineEntry, ...] = ()


Provider = Callable[..., list[Section]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add ``provider`` to the dossier page (once; registering it again changes nothing)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def sections_for(*, household, user) -> list[Section]:
    found: list[Section] = []
    for provider in _providers:
        for section in provider(household=household, user=user):
            if not isinstance(section, Section):
                raise TypeError(f"{provider!r} returned {section!r}, not a households.sections.Section")
            found.append(section)
    keys = [s.key for s in found]
    if len(set(keys)) != len(keys):
        raise ValueError(f"two dossier sections share a key: {sorted(keys)}")
    return sorted(found, key=lambda s: s.order)
