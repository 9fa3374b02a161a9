from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Households")

    def ready(self) -> None:
        from households import sections
        from households.plans.selectors import plan_section
        from households.review.section import review_section

        sections.register(plan_section)
        sections.register(review_section)
