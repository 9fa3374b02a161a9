from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # Registers the built-in panels (households, enrolments, reviews, needs, ...).
        from dashboards import household_panels  # noqa: F401
