from __future__ import annotations

from django.utils.translation import gettext as _

from caseworkers import badge, mytasks
from jiuzhu.models import CIVIL_AFFAIRS_ROLES, Role
from jiuzhu.navigation import NavItem


def items(user) -> list[NavItem]:
    if user.role not in CIVIL_AFFAIRS_ROLES and not user.is_superuser:
        # Approved typical cases are readable by every user.
        return [NavItem(_("Typical cases"), "caseworkers:case_list", order=80)]
    found = []
    if user.role in (Role.CASEWORKER, Role.TOWNSHIP_OFFICER) and not user.is_superuser:
        # What is overdue or due within the badge window: cached per user until a write
        # changes it (caseworkers.badge), else one aggregate query.
        found.append(NavItem(_("My tasks"), "caseworkers:tasks", count=badge.count(user) or None, order=5))
    elif user.is_superuser or user.role in mytasks.STEP_OWNERS:
        # Application decisions and overdue steps of the county. No badge: those are
        # computed in Python (working days), too dear for a menu on every page.
        found.append(NavItem(_("My tasks"), "caseworkers:tasks", order=5))
    found += [
        # The plan pages live in households/ (no nav entry of their own there yet).
        NavItem(_("Assistance plans"), "households:plan_list", order=29),
        NavItem(_("Referrals"), "caseworkers:referral_list", order=30),
        NavItem(_("Services"), "caseworkers:service_list", order=31),
        NavItem(_("Publicity"), "caseworkers:publicity_list", order=32),
        NavItem(_("Resources"), "caseworkers:resource_list", order=33),
        NavItem(_("Volunteers"), "caseworkers:volunteer_list", order=34),
        NavItem(_("Training"), "caseworkers:training_list", order=35),
        NavItem(_("Policy feedback"), "caseworkers:feedback_list", order=36),
        NavItem(_("Typical cases"), "caseworkers:case_list", order=37),
        NavItem(_("Work summary"), "caseworkers:summary", order=38),
    ]
    return found
