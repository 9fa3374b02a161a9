"""Household pickers: a text box of dossier numbers with type-to-search, instead of a
<select> of every household in scope (thousands per township), for every form that names a
household; and the scoped, masked search behind it."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.forms.utils import flatatt
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from households import access
from households.models import Household, Member
from households.rules import mask_name, masked_member_label

SEARCH_LIMIT = 20
# Who fills the forms that name a household: field roles and county civil affairs.


def search(*, user, q: str, limit: int = SEARCH_LIMIT, members: bool = False) -> list[Household]:
    """Households of the user's scope whose dossier number, head's name or address contains ``q``:
    at most ``limit``, by dossier number; with ``members``, their active members (one more query)."""
    q = (q or "").strip()
    if not q:
        return []
    qs = (
        Household.objects.in_scope(user)
        .filter(Q(dossier_no__contains=q) | Q(head__name__contains=q) | Q(address__contains=q))
        .select_related("head", "village")
        .order_by("dossier_no")
    )
    if members:
        qs = qs.prefetch_related(
            Prefetch("members", queryset=Member.objects.filter(active=True).order_by("id"), to_attr="active_members")
        )
    return list(qs[:limit])


def search_rows(*, user, q: str, members: bool = False) -> list[dict]:
    """What the pickers' script receives: masked labels, the village, and members if asked."""
    rows = []
    today = timezone.localdate()
    for h in search(user=user, q=q, members=members):
        row = {
            "id": h.pk,
            "dossier_no": h.dossier_no,
            "label": household_label(h),
            "village": h.village.name if h.village else "",
        }
        if members:
            row["members"] = [{"id": m.pk, "name": member_label(m, today)} for m in h.active_members]
        rows.append(row)
    return rows


# Dossier numbers typed into a picker: separated by commas (ASCII or full-width), 、 or spaces.
SEPARATORS = re.compile(r"[\s,，、;；]+")


def member_label(m: Member, today: date | None = None) -> str:
    """A member as a picker shows them: masked name, relation to the head, age (张** · 户主 · 52 岁)."""
    return masked_member_label(
        m.name,
        str(m.get_relation_to_head_display()),
        m.birth_date,
        today or timezone.localdate(),
        years=pgettext("age", "years"),
    )


def household_label(h: Household) -> str:
    """A household as a picker shows it: dossier number and the head's masked name."""
    return f"{h.dossier_no} {mask_name(h.head.name) if h.head_id and h.head else ''}".strip()


def matching(qs: QuerySet, values, prefix: str = "") -> QuerySet:
    """Rows of ``qs`` whose household (``prefix`` leads to it) has one of the typed dossier
    numbers or primary keys; none when nothing usable was typed."""
    dossiers, pks = _split_keys(values)
    if not (dossiers or pks):
        return qs.none()
    return qs.filter(Q(**{f"{prefix}dossier_no__in": dossiers}) | Q(**{f"{prefix}pk__in": pks}))


def _split_keys(values) -> tuple[set[str], set[int]]:
    """Typed values as (dossier numbers, primary keys): a dossier number has a dash, a pk has not."""
    dossiers, pks = set(), set()
    for value in values:
        value = str(value).strip()
        if "-" in value:
            dossiers.add(value)
        elif value.isdigit():
            pks.add(int(value))
        elif value:
            dossiers.add(value)  # matches nothing: reported as an invalid choice
    return dossiers, pks


class HouseholdPicker(forms.Widget):
    """A text box of dossier numbers instead of a <select> of every household in scope.

    Without JavaScript the user types dossier numbers (several separated by commas); with
    it, static/js/app.js turns the box into type-to-search against ``households:search``.
    Rendering looks up only the chosen households (none on an empty form), so the page is
    the same size for 1 and 13,000 households."""

    def __init__(self, *, multiple: bool = False, members_field: str = "", attrs=None):
        super().__init__(attrs)
        self.multiple, self.members_field, self.queryset = multiple, members_field, None

    def value_from_datadict(self, data, files, name):
        if self.multiple and hasattr(data, "getlist"):
            values = [v for raw in data.getlist(name) for v in SEPARATORS.split(str(raw)) if v]
            return values
        value = data.get(name)
        if self.multiple:
            return [v for v in SEPARATORS.split(str(value or "")) if v]
        return value

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def _chosen(self, value) -> tuple[list[Household], list[str]]:
        values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
        values = [v.pk if isinstance(v, Household) else v for v in values]
        if self.queryset is None:
            return [], [str(v) for v in values if str(v).strip()]
        found = list(matching(self.queryset, values).select_related("head"))
        known = {h.dossier_no for h in found} | {str(h.pk) for h in found}
        return found, [str(v) for v in values if str(v).strip() and str(v).strip() not in known]

    def render(self, name, value, attrs=None, renderer=None):
        chosen, unknown = self._chosen(value)
        typed = ", ".join([h.dossier_no for h in chosen] + unknown)
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.update(
            {
                "type": "text",
                "name": name,
                "value": typed,
                "autocomplete": "off",
                "data-household-search": reverse("households:search"),
                "placeholder": str(_("Dossier number, head's name or address")),
            }
        )
        if self.multiple:
            attrs["data-multiple"] = "1"
        if self.members_field:
            attrs["data-members"] = f"id_{self.members_field}"
        box = format_html("<input{}>", flatatt({k: v for k, v in attrs.items() if v not in (None, False)}))
        items = format_html_join("", "<li>{}</li>", ((household_label(h),) for h in chosen))
        return format_html(
            '<span class="household-picker">{}<ul class="picker-chosen" aria-live="polite">{}</ul></span>', box, items
        )


class _PickerQueryset:
    """The picker widget looks up the chosen households in the field's queryset, whenever it is set."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class HouseholdField(_PickerQueryset, forms.ModelChoiceField):
    """One household of the user's scope, by dossier number (or primary key)."""

    def __init__(self, *, queryset, members_field: str = "", **kwargs):
        kwargs.setdefault("widget", HouseholdPicker(members_field=members_field))
        super().__init__(queryset=queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = matching(self.queryset, [value]).first()
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return found


class HouseholdsField(_PickerQueryset, forms.ModelMultipleChoiceField):
    """Several households of the user's scope, by dossier number (or primary key)."""

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("widget", HouseholdPicker(multiple=True))
        super().__init__(queryset=queryset, **kwargs)

    def _check_values(self, value):
        found = list(matching(self.queryset, value))
        known = {h.dossier_no for h in found} | {str(h.pk) for h in found}
        for v in value:
            if str(v).strip() not in known:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": v})
        return found


def search_view(request):
    """The pickers' search: up to 20 households of the user's scope, masked.

    ``?q=`` is part of a dossier number, the head's name or the address; ``?members=1``
    adds each household's active members (masked names) for the referral form."""
    if not (access.may(request.user, access.Action.SEARCH_HOUSEHOLDS)):
        raise PermissionDenied
    rows = search_rows(user=request.user, q=request.GET.get("q", "")[:50], members=request.GET.get("members") == "1")
    return JsonResponse({"results": rows})
