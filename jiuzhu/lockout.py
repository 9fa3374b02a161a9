"""Lockout by account and, separately and much later, by address.

A township office (or every office behind the government intranet's proxy) shares one
address, so one person's typos must never lock their colleagues out. django-axes compares
the largest failure count of its lockout parameters with one limit; this handler keeps
two limits instead:

1. an account is locked after ``JIUZHU_LOCKOUT_FAILURES`` failures for that user name,
   from any address;
2. an address is locked after ``JIUZHU_LOCKOUT_ADDRESS_FAILURES`` failures from it, where
   each user name counts at most ``JIUZHU_LOCKOUT_FAILURES`` times: only failures spread over
   several accounts (password spraying) reach it, never one person retrying a locked account.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(per_account: list[int], account_limit: int) -> int:
    """Failures that count against an address: each account's, capped at the account limit."""
    return sum(min(n, account_limit) for n in per_account)


def is_locked(*, account: int, per_account_at_address: list[int], account_limit: int, address_limit: int) -> bool:
    """Whether the account's failures or the address's spread failures reach their limit."""
    return account >= account_limit or address_failures(per_account_at_address, account_limit) >= address_limit


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with the account and the address judged by their own limits."""

    def get_failures(self, request, credentials=None) -> int:
        # axes locks when this reaches AXES_FAILURE_LIMIT (the account limit): answer the
        # account's own count, or the limit itself when the address is locked.
        account_limit = settings.AXES_FAILURE_LIMIT
        attempts = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        account = attempts.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
        address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        per_account = list(
            attempts.filter(ip_address=address)
            .values("username")
            .annotate(n=Sum("failures_since_start"))
            .values_list("n", flat=True)
        )
        if is_locked(
            account=account,
            per_account_at_address=per_account,
            account_limit=account_limit,
            address_limit=settings.JIUZHU_LOCKOUT_ADDRESS_FAILURES,
        ):
            return max(account, account_limit)
        return account
