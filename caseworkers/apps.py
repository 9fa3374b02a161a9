from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkersConfig(AppConfig):
    name = "caseworkers"
    verbose_name = _("Caseworkers")

    def ready(self) -> None:
        from caseworkers.dossier_sections import sections
        from households import sections as dossier_sections

        dossier_sections.register(sections)
