from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """No page but login is public. The API answers 401/403 itself (DRF's
    IsAuthenticated default) instead of redirecting a machine client to a login form."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class IdleSessionRenewalMiddleware:
    """Sessions expire after ``SESSION_COOKIE_AGE`` idle seconds, counted from the last use.

    Saving the session on every request (``SESSION_SAVE_EVERY_REQUEST``) made every page
    write its session row. Here the expiry moves only when the session was last renewed
    ``JIUZHU_SESSION_RENEW_SECONDS`` ago or more, so a busy user writes once a minute and
    the idle limit is exact to within that interval. A change to the session is saved by
    Django's own middleware as usual."""

    KEY = "_renewed_at"

    @classmethod
    def stamp(cls, session):
        """Mark the session renewed now. A login has just written the session row with a
        fresh expiry, so the first page after it needs no second write."""
        session[cls.KEY] = int(time.time())

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.session_key:
            return response
        renewed = session.get(self.KEY)
        stale = not isinstance(renewed, int) or int(time.time()) - renewed >= settings.JIUZHU_SESSION_RENEW_SECONDS
        if session.modified or stale:
            self.stamp(session)
        return response


class ChineseByDefaultMiddleware:
    """The interface is Chinese unless the user chose otherwise (the language cookie set
    by /i18n/setlang/). A browser's Accept-Language is not followed: an office PC set up
    in English must still show the Chinese the office works in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class NoStoreMiddleware:
    """Pages and API answers for a logged-in user hold personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path_info.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class ErrorPagesInDebugMiddleware:
    """With DEBUG on (``make run``), a missing page answers the same Chinese 404 as in
    production, not Django's English debug page that lists every URL pattern. Off in
    production (the handlers answer there) and when ``JIUZHU_DEBUG_URL_LIST`` asks for
    Django's page. A 500 keeps the debug traceback: the developer needs it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _active(self) -> bool:
        from django.conf import settings

        return settings.DEBUG and not settings.JIUZHU_DEBUG_URL_LIST

    def __call__(self, request):
        if self._active():
            from django.urls import Resolver404, get_resolver, get_urlconf

            try:
                get_resolver(get_urlconf()).resolve(request.path_info)
            except Resolver404 as exc:
                from jiuzhu.views import page_not_found

                return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404) and self._active():
            from jiuzhu.views import page_not_found

            return page_not_found(request, exception)
        return None
