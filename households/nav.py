from __future__ import annotations

from django.utils.translation import gettext as _

from households.review.selectors import nav_items as review_nav_items
from jiuzhu.models import CIVIL_AFFAIRS_ROLES
from jiuzhu.navigation import NavItem


def items(user) -> list[NavItem]:
    if user.role not in CIVIL_AFFAIRS_ROLES and not user.is_superuser:
        return []
    return [
        NavItem(_("Households"), "households:list", order=10),
        NavItem(_("Applications"), "households:application_list", order=20),
        *review_nav_items(user),
    ]
