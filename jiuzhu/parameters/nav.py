from __future__ import annotations

from django.utils.translation import gettext as _

from jiuzhu.navigation import NavItem
from jiuzhu.parameters.selectors import may_read


def items(user) -> list[NavItem]:
    return [NavItem(_("Policy parameters"), "parameters:policy_list", order=90)] if may_read(user) else []
