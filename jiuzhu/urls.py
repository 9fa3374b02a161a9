"""URLs: pages of each app, the API under /api/, its schema and docs."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from jiuzhu import views

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="area")

api_patterns = [
    path("me/", views.me, name="me"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
page_patterns = []
for app in settings.JIUZHU_APP_MODULES:
    # Each app registers its viewsets on the shared router and lists its other API
    # paths in ``<app>/api_urls.py``; its pages in ``<app>/urls.py``.
    try:
        app_api = import_module(f"{app}.api_urls")
    except ModuleNotFoundError:
        app_api = None
    if app_api is not None:
        app_api.register(router)
        api_patterns += getattr(app_api, "urlpatterns", [])
    try:
        import_module(f"{app}.urls")
    except ModuleNotFoundError:
        continue
    page_patterns.append(path(f"{app}/", include(f"{app}.urls")))

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns + router.urls, "api"), namespace="api")),
    *page_patterns,
]

# Error pages in Chinese; under /api/ a JSON answer. The 500 page is Django's own view with
# templates/500.html (standalone: it needs no request).
handler404 = "jiuzhu.views.page_not_found"
handler403 = "jiuzhu.views.permission_denied"
handler500 = "jiuzhu.views.server_error"
