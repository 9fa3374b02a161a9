"""Sent (on commit) when a policy row is saved, with ``row``: the figures that read it (the
dashboards' cache) are computed again. The core does not import the apps that listen."""

from __future__ import annotations

from django.dispatch import Signal

policy_changed = Signal()
