from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """Password complexity: characters from at least N of lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of characters: lower case, upper case, digits, symbols.",
            "Your password must mix at least %(n)d kinds of characters: lower case, upper case, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


def validate_phone(value: str) -> None:
    """Reject a phone number that ``jiuzhu.phones.check_phone`` cannot read, saying why."""
    from jiuzhu.i18n import render_reason
    from jiuzhu.phones import check_phone

    result = check_phone(value)
    if not result.valid:
        raise ValidationError(render_reason(result.reason), code=result.reason.code)


def validate_name(value: str) -> None:
    """Refuse a name holding invisible or direction-control characters (``jiuzhu.text``)."""
    from jiuzhu.text import refused_characters

    found = refused_characters(value or "")
    if found:
        raise ValidationError(name_refused_message(found), code="name_characters")


def name_refused_message(found: list[str]) -> str:
    return _(
        "The name contains an invisible or text-direction control character (%(codes)s): delete it and type "
        "the name again."
    ) % {"codes": "、".join(found)}
