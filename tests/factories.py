"""Small builders for test data: minimal defaults, everything else said by the test."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from households import rules
from households.dossier import services
from households.models import Household, Member, Relation
from jiuzhu.models import Area, PolicyParameters, Role, User

_counter = itertools.count(1)
PASSWORD = "Test-pass-2026"


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def user(
    role: str = Role.CASEWORKER, area_code: str | None = "330402007", username: str | None = None, **fields
) -> User:
    username = username or f"{role}-{next(_counter)}"
    u = User(
        username=username,
        role=role,
        area=area(area_code) if area_code else None,
        is_superuser=role == Role.ADMIN,
        is_staff=role == Role.ADMIN,
        **fields,
    )
    u.set_password(PASSWORD)
    u.save()
    return u


def id_number(
    born: datetime.date = datetime.date(1980, 5, 17),
    county: str = "330402",
    male: bool = True,
    serial: int | None = None,
) -> str:
    """A valid 18-character ID number; each call gives a different one unless serial is given."""
    n = serial if serial is not None else next(_counter)
    sequence = (n * 2 + (1 if male else 0)) % 1000
    first17 = f"{county}{born:%Y%m%d}{sequence:03d}"
    return first17 + rules.id_check_character(first17)


def household(township_code: str = "330402007", *, actor: User | None = None, members: int = 1, **fields) -> Household:
    actor = actor or User.objects.filter(is_superuser=True).first() or user(Role.ADMIN, None)
    # Opened long ago: the tests' records may be dated any day of recent years.
    fields.setdefault("registered_on", datetime.date(2020, 1, 1))
    h = services.household_create(actor=actor, township=area(township_code), **fields)
    for index in range(members):
        member(h, actor=actor, relation_to_head=Relation.HEAD if index == 0 else Relation.CHILD)
    h.refresh_from_db()
    return h


def member(
    household: Household,
    *,
    actor: User | None = None,
    name: str | None = None,
    relation_to_head: str = Relation.CHILD,
    id_no: str | None = None,
    **fields,
) -> Member:
    actor = actor or User.objects.filter(is_superuser=True).first() or user(Role.ADMIN, None)
    return services.member_add(
        actor=actor,
        household=household,
        name=name or f"成员{next(_counter)}",
        id_number=id_no or id_number(),
        relation_to_head=relation_to_head,
        today=datetime.date(2026, 11, 29),
        **fields,
    )


def policy_row(area_code: str = "330400", year: int = 2026, standard: str = "1200.00", **fields) -> PolicyParameters:
    return PolicyParameters.objects.create(area=area(area_code), year=year, dibao_standard=Decimal(standard), **fields)


def import_workbook(rows: list[list] = ()) -> bytes:
    """A legacy-import spreadsheet: the template's header row, then ``rows``."""
    import io

    from openpyxl import Workbook

    from households.roster.imports import COLUMNS

    book = Workbook()
    book.active.append(COLUMNS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_upload(rows: list[list] = (), name: str = "名单.xlsx"):
    """The same spreadsheet as an uploaded file, as the import page receives it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, import_workbook(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
