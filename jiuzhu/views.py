from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.response import Response

from jiuzhu.api import ScopedViewSetMixin
from jiuzhu.authentication import token_expired
from jiuzhu.models import Area, User
from jiuzhu.navigation import items_for

UNICODE_JSON = {"ensure_ascii": False}  # as DRF answers: Chinese readable in the body


def home(request):
    return render(request, "home.html", {"entries": items_for(request.user)})


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed logins. This account or address is locked for %(minutes)s minutes; ask your "
        "administrator to unlock it sooner."
    ) % {"minutes": minutes}


def locked_out(request, credentials=None, *args, **kwargs):
    """What axes answers once an account or an address is locked (JIUZHU_LOCKOUT_MINUTES)."""
    message = lockout_message()
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "registration/locked_out.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    """404: a page for people, JSON for the API (a machine client cannot read a page)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404, json_dumps_params=UNICODE_JSON)
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    """403: a page for people, JSON for the API."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action.")},
            status=403,
            json_dumps_params=UNICODE_JSON,
        )
    return render(request, "403.html", status=403)


def server_error(request):
    """500: Django's page for people (templates/500.html, which needs nothing that may be
    broken); under /api/ JSON with a Chinese ``detail``, which a machine client can read."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": _("The server hit an error. Try again; if it fails again, tell the system administrator.")},
            status=500,
            json_dumps_params=UNICODE_JSON,
        )
    from django.views.defaults import server_error as page

    return page(request)


@login_not_required
@require_GET
def healthz(request):
    """200 "ok" when the database (and the Redis broker, where one is configured) answers; 503
    naming what does not, so a load balancer stops sending users to a process that can only fail."""
    down = [name for name, check in (("database", _database_answers), ("broker", _broker_answers)) if not check()]
    if down:
        return HttpResponse("down: " + ", ".join(down), content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


def _database_answers() -> bool:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_answers() -> bool:
    if not settings.REDIS_URL:
        return True  # the embedded broker is a folder of this machine: nothing to reach
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "kind", "parent", "county", "is_functional_zone", "active"]


class AreaViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Administrative areas inside the user's scope."""

    serializer_class = AreaSerializer
    filterset_fields = ["level", "parent", "county", "code"]
    ordering_fields = ["code", "name"]

    def scoped_queryset(self, user):
        return Area.objects.visible_to(user).order_by("code")


class MeSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display")
    area = AreaSerializer()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "role", "role_label", "area"]


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The logged-in user, their role and their area."""
    return Response(MeSerializer(request.user).data)


class TokenView(ObtainAuthToken):
    """POST user name and password: the user's token (a new one if the old one expired).
    DELETE (with the token): revoke it."""

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # axes refused the password check of a locked account or address: say so (403),
            # not "wrong user name or password".
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                return Response({"detail": lockout_message()}, status=403)
            raise exceptions.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, created = Token.objects.get_or_create(user=user)
        if not created and token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)
