from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _drop_cache_after_review(**kwargs) -> None:
    from dashboards.selectors import invalidate_dashboards
    from dashboards.tasks import warm_dashboards

    invalidate_dashboards()
    # The figures changed: compute the city and county views now, not when the first user asks.
    warm_dashboards.delay()


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # Registers the built-in panels (households, enrolments, reviews, needs, ...) and
        # those of the later models (plans, four roles, review candidates, staffing).
        from dashboards import (  # noqa: F401
            fourroles_panels,
            household_panels,
            plan_panels,
            review_panels,
            staffing_panels,
        )
        from households.review.signals import review_pass_finished

        # The nightly review changes the figures: forget the cached city views once it
        # has committed and compute them afresh (households does not import dashboards; it sends a signal).
        review_pass_finished.connect(_drop_cache_after_review, dispatch_uid="dashboards.invalidate_after_review")
