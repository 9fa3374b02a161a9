"""Roster export: an XLSX of the user's scope, written row by row (openpyxl write-only).

Full ID numbers: township officers, county civil-affairs staff and administrators (they
send rosters to banks and verification centres); caseworkers and city users get masked
numbers. The export is audited either way, with the row count and whether IDs were full.
"""

from __future__ import annotations

import tempfile

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import (
    Health,
    Household,
    HouseholdStatus,
    LabourAbility,
    Member,
    Relation,
)
from jiuzhu import audit, crypto
from jiuzhu.models import AuditAction, Role
from jiuzhu.spreadsheets import safe_cell

FULL_ID_ROLES = frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL, Role.ADMIN})
CHUNK = 2000
safe_text = safe_cell


def full_ids_allowed(user) -> bool:
    return user.is_superuser or user.role in FULL_ID_ROLES


def roster_headers() -> list[str]:
    return [_("Dossier number"), _("Township / street"), _("Address"), _("Phone"), _("Status"), _("Completeness"),
            _("Next review"), _("Name"), _("ID number"), _("Relation to head"), _("Sex"), _("Birth date"),
            _("Labour ability"), _("Health"), _("Monthly income (yuan)")]


def roster_rows(households: QuerySet[Household], *, full_ids: bool):
    """One row per active member, streamed from the database in chunks."""
    labels = {**dict(HouseholdStatus.choices), **dict(Relation.choices), **dict(LabourAbility.choices),
              **dict(Health.choices)}
    status_labels, relation_labels = dict(HouseholdStatus.choices), dict(Relation.choices)
    members = (Member.objects.filter(household__in=households.values("pk"), active=True)
               .order_by("household__dossier_no", "id")
               .values_list("household__dossier_no", "household__township__name", "household__address",
                            "household__phone", "household__status", "household__completeness",
                            "household__next_review_on", "name", "id_number_cipher" if full_ids else "id_number_masked",
                            "relation_to_head", "sex", "birth_date", "labour_ability", "health", "monthly_income"))
    sexes = {"M": _("Male"), "F": _("Female")}
    for (dossier, township, address, phone, status, completeness, review, name, id_value, relation, sex, born,
         labour, health, income) in members.iterator(chunk_size=CHUNK):
        yield [dossier, township, safe_text(address), safe_text(phone), str(status_labels.get(status, status)),
               completeness, review, safe_text(name), crypto.decrypt(id_value) if full_ids else id_value,
               str(relation_labels.get(relation, relation)), sexes.get(sex, sex), born,
               str(labels.get(labour, labour)), str(labels.get(health, health)), income]


def write_roster(households: QuerySet[Household], *, user, request=None):
    """Write the roster to a temporary file and audit the export; returns (file, rows)."""
    from openpyxl import Workbook

    full = full_ids_allowed(user)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Roster"))
    sheet.append(roster_headers())
    count = 0
    for row in roster_rows(households, full_ids=full):
        sheet.append(row)
        count += 1
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the FileResponse closes it after streaming
    workbook.save(handle)
    handle.seek(0)
    audit.record(actor=user, action=AuditAction.EXPORT, target_type="households.household", request=request,
                 area_code=user.area.code if user.area else "",
                 summary=(_("Roster export: %(n)s members, full ID numbers") if full
                          else _("Roster export: %(n)s members, masked ID numbers")) % {"n": count})
    return handle, count


def export_filename() -> str:
    return f"roster-{timezone.localdate():%Y%m%d}.xlsx"
