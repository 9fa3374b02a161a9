"""Legacy import (S-3.1): the registered-household list from an XLSX file, one row per member.

Rows are grouped into households by the file's household key (户编号) within a township;
the key is stored on the household (``legacy_key``), and members are matched by the blind
index of their ID number, so importing the same file twice creates nothing the second time.

1. ``read_rows`` reads the sheet (read-only mode).
2. ``validate`` checks every row, with one query per batch of rows for each lookup
   (townships, people already registered, households already imported), and returns a plan
   plus every bad row's number and reason. A dry run stops here.
3. ``apply`` writes the plan in one transaction (all or nothing), audited with record_many.

The column headings are the file format (a contract with the offices' spreadsheets), so
they are Chinese literals, not translatable interface text.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from households import rules
from households.dossier import duplicates, selectors
from households.dossier.services import completeness_refresh, dossier_facts_from, policy_for
from households.models import (
    DossierSequence,
    Health,
    Household,
    HouseholdStatus,
    LabourAbility,
    Member,
    Relation,
)
from jiuzhu import audit, bulk, crypto
from jiuzhu.i18n import render_reason, render_reasons
from jiuzhu.models import Area, AreaLevel, AuditAction
from jiuzhu.phones import check_phone
from jiuzhu.policy import Policy
from jiuzhu.text import normalise_name, refused_characters
from jiuzhu.validators import name_refused_message
from jiuzhu.xlsx import ReadLimits, SheetTooLarge, read_sheet

BATCH = 500
COLUMNS = [
    "户编号",
    "乡镇街道代码",
    "地址",
    "联系电话",
    "姓名",
    "身份证号码",
    "与户主关系",
    "劳动能力",
    "健康状况",
    "月收入（元）",
]
REQUIRED = ["户编号", "姓名", "身份证号码", "与户主关系"]
RELATIONS = {
    "户主": Relation.HEAD,
    "本人": Relation.HEAD,
    "配偶": Relation.SPOUSE,
    "妻": Relation.SPOUSE,
    "夫": Relation.SPOUSE,
    "子女": Relation.CHILD,
    "子": Relation.CHILD,
    "女": Relation.CHILD,
    "父母": Relation.PARENT,
    "父亲": Relation.PARENT,
    "母亲": Relation.PARENT,
    "孙子女": Relation.GRANDCHILD,
    "祖父母": Relation.GRANDPARENT,
    "兄弟姐妹": Relation.SIBLING,
    "儿媳": Relation.CHILD_IN_LAW,
    "女婿": Relation.CHILD_IN_LAW,
    "媳婿": Relation.CHILD_IN_LAW,
    "其他": Relation.OTHER,
}
LABOUR = {
    "": LabourAbility.FULL,
    "有": LabourAbility.FULL,
    "完全": LabourAbility.FULL,
    "部分": LabourAbility.PARTIAL,
    "无": LabourAbility.NONE,
    "丧失": LabourAbility.NONE,
}
HEALTH = {
    "": Health.HEALTHY,
    "健康": Health.HEALTHY,
    "慢性病": Health.CHRONIC,
    "大病": Health.SERIOUS,
    "重病": Health.SERIOUS,
    "残疾": Health.DISABILITY,
}
# The example's ID number is valid (check digit 5): a user who tries the template as it is
# imports cleanly. The ID and phone columns are text ("@"), so Excel keeps all 18 digits.
TEXT_COLUMNS = ("联系电话", "身份证号码")
EXAMPLE = [
    "A001",
    "330402007",
    "建设街道中山路1号",
    "13800000000",
    "张三",
    "330402198005170015",
    "户主",
    "部分",
    "慢性病",
    "800",
]


@dataclass
class Row:
    number: int  # the spreadsheet row number, as the user sees it
    values: dict[str, str]
    # Columns whose cell Excel stored as a number (an ID number so stored lost its last digits).
    numeric: frozenset[str] = frozenset()


@dataclass
class PlannedMember:
    row: int
    name: str
    normal_id: str
    birth_date: date
    sex: str
    relation: str
    labour_ability: str
    health: str
    monthly_income: Decimal


@dataclass
class PlannedHousehold:
    key: str
    township: Area
    address: str = ""
    phone: str = ""
    existing: Household | None = None
    members: list[PlannedMember] = field(default_factory=list)


@dataclass
class Plan:
    households: list[PlannedHousehold]
    errors: list[tuple[int, str]]
    rows: int
    skipped_members: int = 0

    @property
    def new_members(self) -> int:
        return sum(len(h.members) for h in self.households)

    @property
    def new_households(self) -> int:
        return sum(1 for h in self.households if h.existing is None)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_limits(*, deadline: float | None = None) -> ReadLimits:
    """The settings' bounds on what an import reads (the heading row is one more row)."""
    return ReadLimits(
        columns=settings.JIUZHU_IMPORT_MAX_COLUMNS,
        rows=settings.JIUZHU_IMPORT_MAX_ROWS + 1,
        xml_bytes=settings.JIUZHU_IMPORT_MAX_XML_BYTES,
        deadline=deadline if deadline is not None else time.monotonic() + settings.JIUZHU_IMPORT_MAX_SECONDS,
    )


def too_large_message(error: SheetTooLarge) -> str:
    """What the user is told of a file past one of the read limits."""
    if error.kind == "columns":
        return _(
            "Cell %(cell)s is beyond column %(limit)s: the import reads at most %(limit)s columns. Delete the "
            "cells to the right of the list and import again."
        ) % {"cell": error.where, "limit": error.limit}
    if error.kind == "rows":
        return _(
            "The sheet has more than %(limit)s rows: split it into files of at most %(limit)s rows and import each."
        ) % {"limit": settings.JIUZHU_IMPORT_MAX_ROWS}
    if error.kind == "xml_bytes":
        return _(
            "The spreadsheet unpacks to more than %(mb)s MB, which no household list needs: keep only the "
            "list's sheet, without formatting, and import again."
        ) % {"mb": error.limit // (1024 * 1024)}
    return _(
        "Reading and checking the spreadsheet took longer than %(seconds)s seconds and was stopped: split it "
        "into smaller files and import each."
    ) % {"seconds": settings.JIUZHU_IMPORT_MAX_SECONDS}


class ImportTooLarge(ValueError):
    """The file passes a read limit; its message is the user's, translated."""


def read_rows(file, *, limits: ReadLimits | None = None) -> list[Row]:
    """Rows of the first sheet below the heading row; blank rows are ignored. Past one of
    ``limits`` (default: the settings') ``ImportTooLarge`` says which, in the user's language."""
    try:
        return _read_rows(file, limits or read_limits())
    except SheetTooLarge as error:
        raise ImportTooLarge(too_large_message(error)) from error


def _read_rows(file, limits: ReadLimits) -> list[Row]:
    sheet = read_sheet(file, limits)
    first = next(sheet, None)
    header = [_text(h) for h in (first[1] if first and first[0] == 1 else [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValueError(_("The heading row lacks the columns: %(cols)s") % {"cols": "、".join(missing)})
    columns = [(i, name) for i, name in enumerate(header) if name]
    found: list[Row] = []
    for number, values in sheet:
        width = len(values)
        cells = {name: _text(values[i]) if i < width else "" for i, name in columns}
        numeric = frozenset(
            name
            for i, name in columns
            if name in TEXT_COLUMNS
            and i < width
            and isinstance(values[i], (int, float))
            and not isinstance(values[i], bool)
        )
        if any(cells.values()):
            found.append(Row(number, cells, numeric))
    return found


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def validate(
    rows: list[Row],
    *,
    user,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
) -> Plan:
    """Check every row; one query per batch for townships, for people already registered and
    for households already imported. Nothing is written. Past ``deadline`` (a monotonic time)
    ``ImportTooLarge`` says the check took too long."""
    today = today or timezone.localdate()
    errors: list[tuple[int, str]] = []
    own_township = user.area if user.area and user.area.level == AreaLevel.TOWNSHIP else None
    codes = {r.values.get("乡镇街道代码", "") for r in rows} - {""}
    townships = {
        a.code: a for a in Area.objects.filter(code__in=codes, level=AreaLevel.TOWNSHIP).select_related("county")
    }
    plans: dict[tuple[int, str], PlannedHousehold] = {}
    seen_ids: dict[str, int] = {}
    checked: list[tuple[Row, PlannedHousehold, PlannedMember]] = []
    skipped = 0
    refused_keys: set[str] = set()  # households with a refused row: a missing head may be that row
    # Scope is a property of the township, not of the row: decided once per township.
    writable = {t.pk: _may_write(user, t) for t in [*townships.values(), own_township] if t is not None}
    for batch_no, batch in enumerate(_batches(rows)):
        if deadline is not None and time.monotonic() > deadline:
            raise ImportTooLarge(too_large_message(SheetTooLarge("time", deadline)))
        batch_checked: list[tuple[Row, PlannedHousehold, PlannedMember]] = []
        for row in batch:
            v = row.values
            reasons: list[str] = []
            missing = [c for c in REQUIRED if not v.get(c)]
            if missing:
                reasons.append(_("missing %(cols)s") % {"cols": "、".join(missing)})
            for column, limit in _lengths().items():
                if len(v.get(column, "")) > limit:
                    reasons.append(
                        _("%(column)s has %(length)s characters: at most %(max)s are allowed")
                        % {"column": column, "length": len(v[column]), "max": limit}
                    )
            refused = refused_characters(v.get("姓名", ""))
            if refused:
                reasons.append(name_refused_message(refused))
            code = v.get("乡镇街道代码", "")
            township = townships.get(code) if code else own_township
            if township is None:
                reasons.append(_("unknown township code %(code)s") % {"code": code or "—"})
            elif not writable[township.pk]:
                reasons.append(_("township %(name)s is outside your area") % {"name": township.name})
            check = rules.check_id_number(v.get("身份证号码", ""), today=today) if v.get("身份证号码") else None
            if "身份证号码" in row.numeric:
                check = None
                reasons.append(
                    _(
                        "Excel stored the ID number as a number, which loses its last digits: format the column "
                        "as text and type the number again"
                    )
                )
            elif check is not None and not check.valid:
                reasons.append("".join(render_reasons(check.reasons)))
            elif check is not None and check.normal in seen_ids:
                reasons.append(_("the same ID number is on row %(row)s") % {"row": seen_ids[check.normal]})
            relation = RELATIONS.get(v.get("与户主关系", ""))
            if v.get("与户主关系") and relation is None:
                reasons.append(_("unknown relation %(value)s") % {"value": v["与户主关系"]})
            labour, health = LABOUR.get(v.get("劳动能力", "")), HEALTH.get(v.get("健康状况", ""))
            if labour is None:
                reasons.append(_("unknown labour ability %(value)s") % {"value": v["劳动能力"]})
            if health is None:
                reasons.append(_("unknown health %(value)s") % {"value": v["健康状况"]})
            try:
                income = Decimal(v.get("月收入（元）") or "0").quantize(Decimal("0.01"))
                if income < 0:
                    raise InvalidOperation
            except InvalidOperation:
                reasons.append(_("monthly income is not an amount"))
                income = Decimal(0)
            phone = check_phone(v.get("联系电话", ""))
            if not phone.valid:
                reasons.append(render_reason(phone.reason))
            if reasons:
                errors.append((row.number, "；".join(reasons)))
                refused_keys.add(v.get("户编号", ""))
                continue
            seen_ids[check.normal] = row.number
            plan = plans.setdefault((township.pk, v["户编号"]), PlannedHousehold(key=v["户编号"], township=township))
            plan.address = plan.address or v.get("地址", "")
            plan.phone = plan.phone or phone.normal
            member = PlannedMember(
                row.number,
                normalise_name(v["姓名"]),
                check.normal,
                check.birth_date,
                check.sex,
                relation,
                labour,
                health,
                income,
            )
            batch_checked.append((row, plan, member))
        # One query per batch: households already imported under these keys.
        keys = {(p.township.pk, p.key) for _r, p, _m in batch_checked if p.existing is None}
        if keys:
            for h in Household.objects.filter(
                legacy_key__in={k for _t, k in keys}, township_id__in={t for t, _k in keys}
            ):
                if (h.township_id, h.legacy_key) in plans:
                    plans[(h.township_id, h.legacy_key)].existing = h
        # One query per batch: people already active in a household.
        digests = {crypto.blind_index(m.normal_id): (row, plan, m) for row, plan, m in batch_checked}
        holders = {
            m.id_number_digest: m
            for m in Member.objects.filter(id_number_digest__in=digests, active=True).select_related(
                "household__county"
            )
        }
        # A holder outside the user's scope is not named, and the look-up is audited.
        visible = (
            duplicates.visible_household_ids(user, (m.household_id for m in holders.values())) if holders else set()
        )
        hidden = [m for m in holders.values() if m.household_id not in visible]
        if hidden:
            duplicates.record_attempts(user, hidden)
        for digest, (row, plan, member) in digests.items():
            holder = holders.get(digest)
            if holder is None:
                checked.append((row, plan, member))
            elif plan.existing is not None and holder.household_id == plan.existing.pk:
                skipped += 1  # imported before: nothing to do
            elif holder.household_id not in visible:
                errors.append((row.number, duplicates.elsewhere_message(holder)))
            else:
                errors.append(
                    (
                        row.number,
                        _("this person is already an active member of household %(dossier)s")
                        % {"dossier": holder.household.dossier_no},
                    )
                )
        if progress:
            progress(min((batch_no + 1) * BATCH, len(rows)), len(rows))
    for _row, plan, member in checked:
        plan.members.append(member)
    # A household has one head: in the file, or already recorded.
    for plan in plans.values():
        if not plan.members:
            continue
        heads = [m for m in plan.members if m.relation == Relation.HEAD]
        recorded = plan.existing is not None and bool(plan.existing.head_id)
        reason = rules.imported_heads(heads_in_file=len(heads), has_recorded_head=recorded)
        if reason is not None and not (not heads and plan.key in refused_keys):
            rows = (heads[1:] if not recorded else heads) or plan.members[:1]
            errors.extend((m.row, render_reason(reason) % {"key": plan.key}) for m in rows)
    errors.sort()
    return Plan(
        households=[p for p in plans.values() if p.members], errors=errors, rows=len(rows), skipped_members=skipped
    )


def _lengths() -> dict[str, int]:
    """The longest text each column may hold: the model fields' (so the database's) limits."""
    return {
        "户编号": Household._meta.get_field("legacy_key").max_length,
        "地址": Household._meta.get_field("address").max_length,
        "姓名": Member._meta.get_field("name").max_length,
    }


def _may_write(user, township: Area) -> bool:
    return selectors.can_edit(user, Household(township=township))


def _reserve_numbers(township: Area, count: int) -> list[str]:
    sequence, _created = DossierSequence.objects.select_for_update().get_or_create(township=township)
    DossierSequence.objects.filter(pk=sequence.pk).update(last=F("last") + count)
    sequence.refresh_from_db(fields=["last"])
    first = sequence.last - count + 1
    return [f"{township.code}-{n:05d}" for n in range(first, sequence.last + 1)]


@transaction.atomic
def apply(plan: Plan, *, actor, today: date | None = None) -> tuple[int, int]:
    """Write a valid plan in one transaction; returns (households created, members created)."""
    if plan.errors:
        raise ValueError("a plan with errors is not applied")
    today = today or timezone.localdate()
    by_township: dict[int, list[PlannedHousehold]] = defaultdict(list)
    for p in plan.households:
        if p.existing is None:
            by_township[p.township.pk].append(p)
    created: list[Household] = []
    policies: dict[int, Policy] = {}
    for group in by_township.values():
        numbers = _reserve_numbers(group[0].township, len(group))
        for p, number in zip(group, numbers, strict=True):
            p.existing = Household(
                dossier_no=number,
                township=p.township,
                county_id=p.township.county_id,
                registered_on=today,
                address=p.address,
                phone=p.phone,
                legacy_key=p.key,
                status=HouseholdStatus.ACTIVE,
                member_count=len(p.members),
            )
            result = _new_household_completeness(p, today=today, policies=policies)
            p.existing.completeness, p.existing.missing_items = result.percent, result.missing_mask
            created.append(p.existing)
    bulk.insert(created)
    new_ids = {h.pk for h in created}
    members: list[Member] = []
    for p in plan.households:
        for m in p.members:
            member = Member(
                household=p.existing,
                name=m.name,
                relation_to_head=m.relation,
                birth_date=m.birth_date,
                sex=m.sex,
                labour_ability=m.labour_ability,
                health=m.health,
                monthly_income=m.monthly_income,
                joined_on=today,
            )
            member.set_id_number(m.normal_id)
            members.append(member)
    bulk.insert(members)
    by_household: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        by_household[member.household_id].append(member)
    for p in plan.households:
        head = next((m for m in by_household[p.existing.pk] if m.relation_to_head == Relation.HEAD), None)
        p.existing.head = head or p.existing.head
        if p.existing.pk in new_ids:
            continue  # count and completeness were set on creation; the head is set below, per batch
        updates = {"member_count": F("member_count") + len(p.members)}
        if head is not None:
            updates["head"] = head
        Household.objects.filter(pk=p.existing.pk).update(**updates)
        completeness_refresh(p.existing, today=today)
    # New households: the head in one UPDATE per batch (measured by bench/run.py: an UPDATE
    # and a completeness refresh per household made a 20,000-row import take minutes).
    first_head = (
        Member.objects.filter(household_id=OuterRef("pk"), relation_to_head=Relation.HEAD)
        .order_by("pk")
        .values("pk")[:1]
    )
    for batch in _batches(sorted(new_ids)):
        Household.objects.filter(pk__in=batch).update(head_id=Subquery(first_head))
    summary = _("Imported from a spreadsheet")
    audit.record_many(actor=actor, action=AuditAction.CREATE, instances=created, summary=summary)
    audit.record_many(actor=actor, action=AuditAction.CREATE, instances=members, summary=summary)
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT,
        target_type="households.importjob",
        summary=_("%(h)s households and %(m)s members imported") % {"h": len(created), "m": len(members)},
    )
    return len(created), len(members)


def _new_household_completeness(p: PlannedHousehold, *, today: date, policies: dict[int, Policy]) -> rules.Completeness:
    """The completeness of a household this import creates. Its whole dossier is the file's
    rows (no verification, survey, assessment, plan, document or enrolment yet), so the facts
    ``services.dossier_facts`` would read back are known here; the same rule computes it."""
    county_id = p.township.county_id
    if county_id not in policies:
        policies[county_id] = policy_for(
            Household(township=p.township, county=p.township.county), today.year
        ) or Policy.with_defaults(year=today.year, dibao_standard=Decimal(0))
    facts, _category = dossier_facts_from(
        has_head=any(m.relation == Relation.HEAD for m in p.members),
        address=p.address,
        phone=p.phone,
        members=len(p.members),
        disabled=sum(m.health == Health.DISABILITY for m in p.members),
        serious=sum(m.health == Health.SERIOUS for m in p.members),
        verified=None,
        visited=None,
        assessed=False,
        kinds=(),
        enrolled=[],
        has_plan=False,
    )
    return rules.completeness(facts=facts, category=None, today=today, policy=policies[county_id])


def template_workbook():
    """The empty import template, with one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "在册户名单"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE)
    for column, width in zip("ABCDEFGHIJ", (10, 14, 28, 14, 10, 22, 12, 10, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    # Text format on the ID and phone columns (the column's style, and each cell of the first
    # thousand rows, which is what Excel and WPS apply when a number is typed into them).
    for name in TEXT_COLUMNS:
        letter = "ABCDEFGHIJ"[COLUMNS.index(name)]
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, 1002):
            sheet[f"{letter}{row}"].number_format = "@"
    notes = workbook.create_sheet("填表说明")
    notes.append(["每行一名家庭成员；同一户的成员填写相同的户编号。"])
    notes.append(["与户主关系：" + "、".join(RELATIONS)])
    notes.append(["劳动能力：有、部分、无；健康状况：健康、慢性病、大病、残疾。"])
    notes.append(["身份证号码按 18 位填写；同一份文件重复导入不会产生重复记录。"])
    notes.append(["身份证号码和联系电话列已设为文本格式，请勿改为数字格式，否则 Excel 会丢失身份证号码的末几位。"])
    return workbook
