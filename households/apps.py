from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Households")

    def ready(self) -> None:
        # The Celery tasks are registered in every process, not only the worker's: the
        # rooms send them by name (households.roster.jobs) and must find them.
        from households import (
            sections,
            tasks,  # noqa: F401  (registers the tasks the rooms send by name)
        )
        from households.plans.selectors import plan_section
        from households.review.section import review_section

        sections.register(plan_section)
        sections.register(review_section)
