"""Dossier sections from the caseworkers app: the household's referrals and services.

Registered in ``CaseworkersConfig.ready()``; the dossier page calls it and renders each
``(order, title, template_name, context)``; two queries, whatever the rows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from caseworkers import selectors

LIMIT = 20


def sections(*, household, user) -> list[tuple[int, str, str, dict]]:
    referrals = list(selectors.referral_list(user=user, household_id=household.pk)[:LIMIT])
    services = list(selectors.service_list(user=user, household_id=household.pk)[:LIMIT])
    return [
        (50, _("Referrals"), "caseworkers/_dossier_referrals.html", {"household": household, "referrals": referrals}),
        (
            51,
            _("Service records"),
            "caseworkers/_dossier_services.html",
            {"household": household, "services": services},
        ),
    ]
