from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing")
    # The nightly alerts have one trigger: the beat entry "staffing-alerts-nightly" (task
    # staffing.alerts, retried on failure). They no longer follow the household review's
    # signal: a failed review skipped them, and the board and dashboard show live findings,
    # so nothing waits for the alerts to be recorded. By hand: manage.py staffing_alerts.
