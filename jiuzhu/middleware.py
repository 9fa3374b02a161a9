from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """No page but login is public. The API answers 401/403 itself (DRF's
    IsAuthenticated default) instead of redirecting a machine client to a login form."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


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
