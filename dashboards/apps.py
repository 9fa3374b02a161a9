from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _drop_cache(**kwargs) -> None:
    from dashboards.cache import invalidate_dashboards
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
        from jiuzhu.parameters.signals import policy_changed

        # The nightly review changes the figures: forget the cached city views once it
        # has committed and compute them afresh (households does not import dashboards; it sends a signal).
        review_pass_finished.connect(_drop_cache, dispatch_uid="dashboards.invalidate_after_review")
        # A changed floor or standard changes the funding and coverage panels: the same drop.
        policy_changed.connect(_drop_cache, dispatch_uid="dashboards.invalidate_after_policy")
