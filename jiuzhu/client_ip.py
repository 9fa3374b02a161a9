"""The client's address, as the lockout and the audit trail must see it.

Behind ``JIUZHU_PROXIES_IN_FRONT`` reverse proxies, each proxy appends the address it
saw to X-Forwarded-For, so the client is the N-th entry from the right. Entries to the
left of it were written by the client and are not trusted.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    proxies = getattr(settings, "PROXIES_IN_FRONT", 0)
    if proxies:
        entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= proxies:
            return entries[-proxies]
    return request.META.get("REMOTE_ADDR") or None
