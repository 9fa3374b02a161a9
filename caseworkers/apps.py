from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkersConfig(AppConfig):
    name = "caseworkers"
    verbose_name = _("Caseworkers")

    def ready(self) -> None:
        from caseworkers.dossier_sections import sections
        from households import sections as dossier_sections

        dossier_sections.register(sections)

        from django.db.models.signals import post_delete, post_save

        from caseworkers import badge
        from households.review.signals import review_pass_finished

        # The menu's task badge is cached per user: a write to any task source moves its
        # township's stamp, the nightly pass (tasks inserted in SQL) the city's.
        for model in badge.TOWNSHIP_OF:
            post_save.connect(badge.source_changed, sender=model, dispatch_uid=f"badge.saved.{model.__name__}")
            post_delete.connect(badge.source_changed, sender=model, dispatch_uid=f"badge.deleted.{model.__name__}")
        review_pass_finished.connect(badge.review_pass_finished, dispatch_uid="badge.after_review")
