"""API tokens that expire: JIUZHU_TOKEN_HOURS after they were issued, and at logout.

DRF's own tokens never expire and survive a logout; a token copied from a lost phone or a
script would open the register for ever. ``/api/auth/token/`` (``jiuzhu.views.TokenView``) hands out the
user's token, a fresh one once the old one is too old; ``DELETE`` on it revokes the token
(a page logout does too, ``jiuzhu.signals``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expired(token: Token, *, now=None) -> bool:
    """Whether ``token`` was issued JIUZHU_TOKEN_HOURS or more ago."""
    return token.created <= (now or timezone.now()) - timedelta(hours=settings.JIUZHU_TOKEN_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …`` refused once the token is JIUZHU_TOKEN_HOURS old (then deleted)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("Your API token has expired. Ask for a new one at /api/auth/token/.")
            )
        return user, token
