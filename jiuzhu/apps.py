from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JiuzhuConfig(AppConfig):
    name = "jiuzhu"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The Celery app is created with Django (not in jiuzhu/__init__.py), so that the
        # plain-Python rules modules import without loading Django or Celery.
        from jiuzhu import (
            celery,  # noqa: F401
            checks,  # noqa: F401  (the composition's start-up checks)
            signals,  # noqa: F401  (login, failure and lockout audit)
        )
