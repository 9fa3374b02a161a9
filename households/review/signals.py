"""Signals other apps listen to, so that households never imports them.

``review_pass_finished`` is sent once the nightly review (``review_pass.run_review``) has
succeeded and its writes are committed (``transaction.on_commit``), with ``run`` (the
ReviewRun) and ``run_on`` (the date reviewed). The dashboards drop their cache on it; the
staffing app runs its alerts for the same night. Receivers are called with
``send_robust``: one failing listener is logged and does not fail the review (already
committed) nor stop the others.
"""

from __future__ import annotations

from django.dispatch import Signal

review_pass_finished = Signal()
