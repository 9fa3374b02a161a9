"""Chinese phone numbers as people type them: one normal form, or a reason why not.

Plain Python (no Django): households, members, volunteers and employers all keep a phone
number, typed by caseworkers on phones and copied from old spreadsheets. Accepted, after
NFKC (full-width digits) and dropping spaces, dashes, dots and brackets:

- mobile: 11 digits starting 13–19, optionally after +86 / 0086 / 86 → ``13812345678``;
- landline with its area code: 010 and 02x have 3-digit codes, every other code 4 digits,
  then 7 or 8 digits not starting with 0 or 1 → ``0573-82012345``;
- landline without area code (a local number): 7 or 8 digits starting 2–9 → ``82012345``;
- 400/800 service numbers: 10 digits → ``400-820-1234``;
- an extension after 转, ext, x or # (1–6 digits) → ``0573-82012345-801``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jiuzhu.reasons import N_, Reason

MAX_LENGTH = 32
"""Longest stored normal form (a landline with an extension is at most 4+1+8+1+6 = 20)."""

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\ufe63_.·()（）\[\]/]+")
_EXTENSION = re.compile(r"(?:转|ext\.?|x|#)(\d{1,6})$", re.IGNORECASE)
_COUNTRY = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^[48]00\d{7}$")
_LOCAL = re.compile(r"^[2-9]\d{6,7}$")


@dataclass(frozen=True)
class PhoneCheck:
    valid: bool
    normal: str
    reason: Reason | None = None


def _area_code_length(digits: str) -> int:
    return 3 if digits.startswith(("010", "02")) else 4


def check_phone(raw: str) -> PhoneCheck:
    """Normalise a phone number, or say precisely what is wrong. Empty stays empty (valid)."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    if not text:
        return PhoneCheck(True, "")
    extension = ""
    if found := _EXTENSION.search(text):
        extension, text = found.group(1), text[: found.start()]
    text = _COUNTRY.sub("", text)
    if not text.isdigit() or not text.isascii():
        return PhoneCheck(
            False,
            "",
            Reason.of(
                "phone_characters",
                N_("A phone number may hold only digits, spaces, dashes and an extension after 转; got “%(value)s”."),
                value=(raw or "").strip()[:40],
            ),
        )
    if text.startswith("1"):
        if _MOBILE.match(text):
            return _done(text, extension)
        if len(text) != 11:
            return PhoneCheck(
                False,
                "",
                Reason.of("phone_mobile_length", N_("A mobile number has 11 digits; this one has %(n)d."), n=len(text)),
            )
        return PhoneCheck(
            False,
            "",
            Reason.of(
                "phone_mobile_prefix",
                N_("A mobile number starts with 13 to 19; this one starts with %(prefix)s."),
                prefix=text[:2],
            ),
        )
    if _SERVICE.match(text):
        return _done(f"{text[:3]}-{text[3:6]}-{text[6:]}", extension)
    if text.startswith("0"):
        code = _area_code_length(text)
        subscriber = text[code:]
        if len(subscriber) not in (7, 8) or subscriber[:1] in ("0", "1", ""):
            return PhoneCheck(
                False,
                "",
                Reason.of(
                    "phone_landline",
                    N_(
                        "After the area code %(area_code)s a landline number has 7 or 8 digits not starting with 0 or 1; "
                        "got “%(rest)s”."
                    ),
                    area_code=text[:code],
                    rest=subscriber,
                ),
            )
        return _done(f"{text[:code]}-{subscriber}", extension)
    if _LOCAL.match(text):
        return _done(text, extension)
    return PhoneCheck(
        False,
        "",
        Reason.of(
            "phone_length",
            N_(
                "Not a phone number: a mobile number has 11 digits, a landline 7 or 8 digits after an area code "
                "starting with 0; got %(n)d digits."
            ),
            n=len(text),
        ),
    )


def _done(number: str, extension: str) -> PhoneCheck:
    return PhoneCheck(True, f"{number}-{extension}" if extension else number)


def normalize_phone(raw: str) -> str:
    """The normal form of a valid number; the text unchanged (stripped) when it is not valid."""
    result = check_phone(raw)
    return result.normal if result.valid else (raw or "").strip()
