"""Resident identity numbers (GB 11643-1999) and masking for public display."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from jiuzhu.reasons import N_, Reason

ID_LENGTH = 18
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
OLDEST_BIRTH_YEAR = 1890
"""Birth years before this are rejected as implausible (nobody alive was born then)."""

PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip
"""Province-level prefixes; only the first 2 digits are checked (area codes change)."""

# Spaces of every kind and dash-like characters people type between digit groups.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\ufe63\uff0d_.·]+")


@dataclass(frozen=True)
class IdCheck:
    """Outcome of checking one identity number.

    ``birth_date`` and ``sex`` ("M"/"F") are set only when ``valid`` is true.
    """

    valid: bool
    normal: str
    reasons: tuple[Reason, ...] = ()
    birth_date: date | None = None
    sex: str | None = None


def normalize_id_number(raw: str) -> str:
    """Return the number as typed, in one normal form: no separators, half-width, upper-case.

    1. NFKC turns full-width digits and "Ｘ" into ASCII.
    2. Spaces (leading, trailing, inner, ideographic) and hyphens/dashes are dropped.
    3. A lower-case "x" becomes "X".
    The result is not validated; ``check_id_number`` does that.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    return _SEPARATORS.sub("", text).upper()


def id_check_character(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def check_id_number(raw: str, *, today: date, oldest_birth_year: int = OLDEST_BIRTH_YEAR) -> IdCheck:
    """Check an identity number and say precisely what is wrong with it.

    1. Normalize (see ``normalize_id_number``).
    2. Length must be 18; the first 17 must be digits and the last a digit or X.
       If either fails, stop: the parts below cannot be read.
    3. The first 2 digits must be a province-level code.
    4. Digits 7-14 must be a real date, not after ``today`` and not before
       ``oldest_birth_year``.
    5. The check character must match (the expected one is not revealed).
    """
    normal = normalize_id_number(raw)
    if len(normal) != ID_LENGTH:
        return IdCheck(
            valid=False,
            normal=normal,
            reasons=(
                Reason.of(
                    "id_wrong_length",
                    N_("An ID number has 18 characters; %(length)s were given."),
                    length=len(normal),
                ),
            ),
        )
    body, last = normal[:17], normal[17]
    if not (body.isascii() and body.isdigit() and (last == "X" or (last.isascii() and last.isdigit()))):
        return IdCheck(
            valid=False,
            normal=normal,
            reasons=(
                Reason.of(
                    "id_bad_characters",
                    N_("An ID number has 17 digits followed by a digit or X; other characters were found."),
                ),
            ),
        )

    reasons: list[Reason] = []
    if normal[:2] not in PROVINCE_CODES:
        reasons.append(
            Reason.of(
                "id_unknown_province",
                N_("The ID number begins with %(prefix)s, which is not a province-level area code."),
                prefix=normal[:2],
            )
        )
    birth: date | None
    try:
        birth = date(int(normal[6:10]), int(normal[10:12]), int(normal[12:14]))
    except ValueError:
        birth = None
        reasons.append(
            Reason.of(
                "id_impossible_birth_date",
                N_("The birth date in the ID number, %(digits)s, is not a real date."),
                digits=normal[6:14],
            )
        )
    if birth is not None and birth > today:
        reasons.append(
            Reason.of(
                "id_birth_date_in_future",
                N_("The birth date in the ID number, %(birth_date)s, is in the future."),
                birth_date=birth.isoformat(),
            )
        )
    elif birth is not None and birth.year < oldest_birth_year:
        reasons.append(
            Reason.of(
                "id_birth_date_too_old",
                N_("The birth date in the ID number, %(birth_date)s, is before %(year)s and cannot be right."),
                birth_date=birth.isoformat(),
                year=oldest_birth_year,
            )
        )
    if id_check_character(body) != last:
        reasons.append(
            Reason.of(
                "id_check_character_mismatch",
                N_(
                    "The last character of the ID number does not match the other 17; a character was probably mistyped."
                ),
            )
        )
    if reasons:
        return IdCheck(valid=False, normal=normal, reasons=tuple(reasons))
    return IdCheck(valid=True, normal=normal, birth_date=birth, sex="M" if int(normal[16]) % 2 else "F")


def mask_id_number(normal: str) -> str:
    """Show the first 6 and last 4 characters and star the rest: 330402********123X.

    Shorter strings (not real numbers) keep only their last 4 characters, or are fully starred
    when 4 or fewer, so nothing longer than a full number's visible part ever shows.
    """
    value = normalize_id_number(normal)
    if len(value) >= 11:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)


def mask_phone(phone: str) -> str:
    """Show the first 3 and last 4 digits of a phone number: 138****5678.

    Separators are dropped first; numbers of 7 digits or fewer show only the last 2.
    """
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", phone or ""))
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_name(name: str) -> str:
    """Keep the first character of a name and star each other one, for public notices.

    张三 → 张*, 欧阳娜娜 → 欧***, 买买提·艾力 → 买**·**. The middle dot of minority
    names stays so the name's shape is recognisable. A one-character name is fully
    starred (showing its only character would show the whole name).
    """
    text = (name or "").strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "".join(ch if ch in "·•・" else "*" for ch in text[1:])


def age_on(birth: date, today: date) -> int:
    """Full years of age on ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def masked_member_label(name: str, relation: str, birth: date | None, today: date, *, years: str) -> str:
    """A member's masked name told apart from their kin: 张** · 户主 · 52 岁.

    A father and his son both mask to 张**; the relation to the head and the age tell
    them apart without showing the name. ``relation`` and ``years`` (the unit after the age) come translated.
    """
    parts = [mask_name(name), relation]
    if birth is not None:
        parts.append(f"{age_on(birth, today)} {years}")
    return " · ".join(p for p in parts if p)
