"""Forms of the four roles' pages. Choices of households, resources and volunteers come
from the user's scope; status fields are never in a form (they change through actions)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from caseworkers.models import (
    PolicyFeedback,
    PublicityActivity,
    Referral,
    Resource,
    ServiceRecord,
    Training,
    TypicalCase,
    Volunteer,
    VolunteerAssignment,
    VolunteerOrganization,
)
from households.models import Household, Member
from households.rules import mask_name
from jiuzhu.models import Area, AreaLevel, Role, User

DATE = forms.DateInput(attrs={"type": "date"})
# Dossier numbers typed into a picker: separated by commas (ASCII or full-width), 、 or spaces.
SEPARATORS = re.compile(r"[\s,，、;；]+")


def household_label(h: Household) -> str:
    """A household as a picker shows it: dossier number and the head's masked name."""
    return f"{h.dossier_no} {mask_name(h.head.name) if h.head_id and h.head else ''}".strip()


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
    it, static/js/app.js turns the box into type-to-search against ``caseworkers:household_search``.
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
        dossiers, pks = _split_keys(values)
        if not (dossiers or pks) or self.queryset is None:
            return [], [str(v) for v in values if str(v).strip()]
        found = list(self.queryset.filter(Q(dossier_no__in=dossiers) | Q(pk__in=pks)).select_related("head"))
        known = {h.dossier_no for h in found} | {str(h.pk) for h in found}
        return found, [str(v) for v in values if str(v).strip() and str(v).strip() not in known]

    def render(self, name, value, attrs=None, renderer=None):
        chosen, unknown = self._chosen(value)
        typed = ", ".join([h.dossier_no for h in chosen] + unknown)
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.update({"type": "text", "name": name, "value": typed, "autocomplete": "off",
                      "data-household-search": reverse("caseworkers:household_search"),
                      "placeholder": str(_("Dossier number, head's name or address"))})
        if self.multiple:
            attrs["data-multiple"] = "1"
        if self.members_field:
            attrs["data-members"] = f"id_{self.members_field}"
        box = format_html("<input{}>", flatatt({k: v for k, v in attrs.items() if v not in (None, False)}))
        items = format_html_join("", "<li>{}</li>", ((household_label(h),) for h in chosen))
        return format_html('<span class="household-picker">{}<ul class="picker-chosen" aria-live="polite">{}</ul></span>',
                           box, items)


class HouseholdField(forms.ModelChoiceField):
    """One household of the user's scope, by dossier number (or primary key)."""

    def __init__(self, *, queryset, members_field: str = "", **kwargs):
        kwargs.setdefault("widget", HouseholdPicker(members_field=members_field))
        super().__init__(queryset=queryset, **kwargs)
        self.widget.queryset = queryset

    def to_python(self, value):
        if value in self.empty_values:
            return None
        dossiers, pks = _split_keys([value])
        found = self.queryset.filter(Q(dossier_no__in=dossiers) | Q(pk__in=pks)).first() if (dossiers or pks) else None
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return found


class HouseholdsField(forms.ModelMultipleChoiceField):
    """Several households of the user's scope, by dossier number (or primary key)."""

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("widget", HouseholdPicker(multiple=True))
        super().__init__(queryset=queryset, **kwargs)
        self.widget.queryset = queryset

    def _check_values(self, value):
        dossiers, pks = _split_keys(value)
        found = list(self.queryset.filter(Q(dossier_no__in=dossiers) | Q(pk__in=pks)))
        known = {h.dossier_no for h in found} | {str(h.pk) for h in found}
        for v in value:
            if str(v).strip() not in known:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": v})
        return found


class ScopedForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only a form with a household field pays for the scope (the guardian-grant query).
        households = Household.objects.in_scope(user) if {"household", "households"} & set(self.fields) else None
        if "household" in self.fields:
            old = self.fields["household"]
            self.fields["household"] = HouseholdField(queryset=households, required=old.required, label=old.label,
                                                      help_text=old.help_text,
                                                      members_field="member" if "member" in self.fields else "")
        if "households" in self.fields:
            old = self.fields["households"]
            self.fields["households"] = HouseholdsField(
                queryset=households, required=old.required, label=old.label,
                help_text=_("Type dossier numbers separated by commas, or search by the head's name."))
        if "member" in self.fields:
            self.fields["member"].queryset = Member.objects.in_scope(user).filter(active=True)
        if "volunteers" in self.fields:
            self.fields["volunteers"].queryset = Volunteer.objects.in_scope(user)
        if "organization" in self.fields:
            self.fields["organization"].queryset = VolunteerOrganization.objects.in_scope(user)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DATE


class ResourceForm(ScopedForm):
    class Meta:
        model = Resource
        fields = ["name", "kind", "domain", "provider", "area", "contact", "conditions", "description"]  # noqa: RUF012

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        chain = [pk for pk in (user.area_id, getattr(user.area, "county_id", None), getattr(user.area, "city_id", None)) if pk]
        self.fields["area"].queryset = Area.objects.filter(pk__in=chain, level__in=[AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP])


class ReferralForm(ScopedForm):
    class Meta:
        model = Referral
        fields = ["household", "member", "resource", "sent_on", "follow_up_on", "note"]  # noqa: RUF012
        widgets = {"sent_on": DATE, "follow_up_on": DATE}  # noqa: RUF012

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["resource"].queryset = Resource.objects.in_scope(user).filter(active=True).order_by("domain", "name")
        # Members of the chosen household only (a township has thousands of members); the
        # picker's script refills the list when another household is chosen.
        household = str(self.data.get("household") or self.initial.get("household") or "").strip()
        dossiers, pks = _split_keys([household] if household else [])
        members = Member.objects.in_scope(user).filter(active=True)
        self.fields["member"].queryset = (
            members.filter(Q(household__dossier_no__in=dossiers) | Q(household_id__in=pks)) if dossiers or pks else members.none())
        self.fields["member"].label_from_instance = lambda m: mask_name(m.name)


class ServiceForm(ScopedForm):
    class Meta:
        model = ServiceRecord
        fields = ["method", "service_area", "held_on", "minutes", "households", "content", "outcome", "follow_up_on"]  # noqa: RUF012
        widgets = {"held_on": DATE, "follow_up_on": DATE, "content": forms.Textarea(attrs={"rows": 3}),  # noqa: RUF012
                   "outcome": forms.Textarea(attrs={"rows": 2})}


class PublicityForm(ScopedForm):
    class Meta:
        model = PublicityActivity
        fields = ["held_on", "form", "topics", "place", "households", "head_count", "volunteers", "notes"]  # noqa: RUF012
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}  # noqa: RUF012


class FeedbackForm(ScopedForm):
    class Meta:
        model = PolicyFeedback
        fields = ["kind", "sent_to", "title", "body"]  # noqa: RUF012


class OrganizationForm(ScopedForm):
    class Meta:
        model = VolunteerOrganization
        fields = ["name", "contact"]  # noqa: RUF012


class VolunteerForm(ScopedForm):
    class Meta:
        model = Volunteer
        fields = ["name", "organization", "phone", "skills", "registered_on", "registration_no", "status"]  # noqa: RUF012
        widgets = {"registered_on": DATE}  # noqa: RUF012


class AssignmentForm(ScopedForm):
    class Meta:
        model = VolunteerAssignment
        fields = ["task", "household", "activity", "due_on"]  # noqa: RUF012
        widgets = {"due_on": DATE}  # noqa: RUF012

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["activity"].queryset = PublicityActivity.objects.in_scope(user)


class TrainingForm(ScopedForm):
    class Meta:
        model = Training
        fields = ["title", "audience", "topic", "held_on", "hours", "caseworkers_present", "volunteers_present"]  # noqa: RUF012
        widgets = {"held_on": DATE}  # noqa: RUF012

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from jiuzhu.scope import scoped

        self.fields["caseworkers_present"].queryset = scoped(User.objects.filter(role=Role.CASEWORKER), user,
                                                             township="area", county="area__county")
        self.fields["volunteers_present"].queryset = Volunteer.objects.in_scope(user)


class CaseForm(ScopedForm):
    anonymised = forms.BooleanField(label=_("I removed names, ID numbers and addresses"), required=False)

    class Meta:
        model = TypicalCase
        fields = ["title", "domain", "body"]  # noqa: RUF012


class CaseEditForm(ScopedForm):
    class Meta:
        model = TypicalCase
        fields = ["title", "domain", "body"]  # noqa: RUF012


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("Response"), widget=forms.Textarea(attrs={"rows": 3}))


class HoursForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours served"), max_digits=6, decimal_places=1, min_value=0.5)
