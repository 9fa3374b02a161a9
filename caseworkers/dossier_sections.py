"""Dossier sections from the caseworkers app: the household's referrals and services.

Registered in ``CaseworkersConfig.ready()``; the dossier page and its print render each
``households.sections.Section`` (its template reads ``referrals`` / ``services``) and add
its entries to the timeline; two queries, whatever the rows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from caseworkers import selectors
from caseworkers.views import FIELD_ROLES
from households.sections import Section, TimelineEntry

LIMIT = 20


def sections(*, household, user) -> list[Section]:
    referrals = list(selectors.referral_list(user=user, household_id=household.pk)[:LIMIT])
    services = list(selectors.service_list(user=user, household_id=household.pk)[:LIMIT])
    # The "new referral / new service record" actions, for the roles those forms let in.
    may_write = bool(user.is_superuser or user.role in FIELD_ROLES)
    return [
        Section(
            key="referrals",
            order=50,
            title=_("Referrals"),
            template_name="caseworkers/_dossier_referrals.html",
            context={"referrals": referrals, "may_refer": may_write},
            timeline=tuple(
                TimelineEntry(
                    r.sent_on,
                    "referral",
                    _("Referral"),
                    f"{r.resource.name} · {r.get_status_display()}",
                    r.created_by.display_name,
                )
                for r in referrals
            ),
        ),
        Section(
            key="services",
            order=51,
            title=_("Service records"),
            template_name="caseworkers/_dossier_services.html",
            context={"services": services, "may_serve": may_write},
            timeline=tuple(
                TimelineEntry(
                    s.held_on,
                    "service",
                    _("Service record"),
                    f"{s.get_service_area_display()} · {s.get_method_display()}",
                    s.created_by.display_name,
                )
                for s in services
            ),
        ),
    ]
