from __future__ import annotations

from django.utils.translation import gettext as _

from jiuzhu.models import Role
from jiuzhu.navigation import NavItem
from staffing.models import READ_ROLES
from staffing.views import BOARD_ROLES


def items(user) -> list[NavItem]:
    found: list[NavItem] = []
    if user.is_superuser or user.role in BOARD_ROLES:
        found.append(NavItem(_("Staffing"), "staffing:board", order=60))
        found.append(NavItem(_("Transfer funding"), "staffing:funding", order=61))
    elif user.role == Role.CASEWORKER:
        found.append(NavItem(_("My employment"), "staffing:caseworkers", order=60))
    elif user.role in READ_ROLES:
        found.append(NavItem(_("Caseworkers"), "staffing:caseworkers", order=60))
    return found
