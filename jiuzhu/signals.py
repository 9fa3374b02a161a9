"""Security events into the audit trail: login, logout, failure, lockout."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jiuzhu import audit
from jiuzhu.middleware import IdleSessionRenewalMiddleware
from jiuzhu.models import AuditAction


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        IdleSessionRenewalMiddleware.stamp(request.session)
    audit.record(
        actor=user, action=AuditAction.LOGIN, request=request, target_type="jiuzhu.user", target_id=str(user.pk)
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        # A logout ends API access too: the user's token is deleted (jiuzhu.authentication).
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user=user).delete()
        audit.record(
            actor=user, action=AuditAction.LOGOUT, request=request, target_type="jiuzhu.user", target_id=str(user.pk)
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted user name only: never the password.
    name = str(credentials.get("username", ""))[:150]
    audit.record(actor=None, action=AuditAction.LOGIN_FAILED, request=request, summary=name)


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit.record(actor=None, action=AuditAction.LOCKED_OUT, request=request, summary=str(username or "")[:150])
