from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.models import Role
from jiuzhu.navigation import NavItem
from staffing.models import READ_ROLES
from staffing.views import BOARD_ROLES

# The staffing section's own links: (label, URL name, URL args, roles that may open it; None: anyone
# signed in). The roles are the sets the views check, so no link leads to a 403.
SECTION_LINKS = (
    (gettext_lazy("Staffing board"), "staffing:board", (), BOARD_ROLES),
    (gettext_lazy("Caseworkers"), "staffing:caseworkers", (), None),
    (gettext_lazy("Social organizations"), "staffing:list", ("organizations",), READ_ROLES),
    (gettext_lazy("Service contracts"), "staffing:list", ("contracts",), READ_ROLES),
    (gettext_lazy("Employment contracts"), "staffing:list", ("employment",), READ_ROLES),
    (gettext_lazy("Appraisals"), "staffing:list", ("appraisals",), READ_ROLES),
    (gettext_lazy("Transfer payments"), "staffing:list", ("transfers",), READ_ROLES),
    (gettext_lazy("Transfer funding"), "staffing:funding", (), BOARD_ROLES),
    (gettext_lazy("Recruitment check"), "staffing:recruitment_check", (), None),
)


def section_links(user) -> list[tuple[str, str]]:
    """The (label, URL) pairs of the section links this user may open."""
    return [
        (label, reverse(name, args=args))
        for label, name, args, roles in SECTION_LINKS
        if roles is None or user.is_superuser or user.role in roles
    ]


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
