from django.urls import path

from dashboards import api


def register(router) -> None:
    """No viewsets: the dashboard is one read-only path."""


urlpatterns = [
    path("dashboard/", api.dashboard, name="dashboard"),
]
