"""Sections other parts and apps add to the dossier page (plans, reviews, referrals...).

Each registers a provider in its ``AppConfig.ready()``: a callable
``(*, household, user) -> list[(order, title, template_name, context)]``. The page renders
them by ``order``. A provider fetches its rows in a fixed number of queries (the page's
query count must not grow with rows). The list of providers is what the apps' ``ready()``
say, nothing is probed for: a provider that fails to import fails start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    order: int
    title: str
    template_name: str
    context: dict


Provider = Callable[..., list[tuple[int, str, str, dict]]]
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
        for order, title, template_name, context in provider(household=household, user=user):
            found.append(Section(order, str(title), template_name, dict(context)))
    return sorted(found, key=lambda s: s.order)
