from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _alerts_after_review(*, run_on, **kwargs) -> None:
    """Staffing alerts join the nightly review (issue 5): once the review of ``run_on``
    has committed, record the staffing alerts of the same date (own run log,
    StaffingAlertRun; idempotent, so the separate 02:30 beat entry adds nothing new)."""
    from staffing.services import staffing_alerts_run

    staffing_alerts_run(today=run_on)


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing")

    def ready(self) -> None:
        from households.signals import review_pass_finished

        review_pass_finished.connect(_alerts_after_review, dispatch_uid="staffing.alerts_after_review")
