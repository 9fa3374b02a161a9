"""Forms of the dossier pages. Validation of rules stays in services; forms check shape."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households import rules
from households.dossier import documents
from households.models import (
    Category,
    DocumentKind,
    Household,
    HouseholdStatus,
    LeaveReason,
    Member,
    NeedDomain,
    NeedLevel,
    Relation,
    Survey,
    SurveyMemberCheck,
    Verification,
)
from households.rules.dates import fact_date_reason
from households.rules.needs import unrated_domains
from jiuzhu.fields import NOTE_MAX_LENGTH
from jiuzhu.i18n import render_reason
from jiuzhu.models import Area, AreaLevel, Role, User

DATE = forms.DateInput(attrs={"type": "date"})


def apply_violation(form: forms.Form, violation) -> None:
    """Show a service's refusal next to its field (or above the form)."""
    for field, messages in violation.as_dict().items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class FactDatesMixin:
    """A form's fact dates (``fact_date_fields``) checked by ``rules.dates`` as the field is
    cleaned, so a date after today is said next to it together with the form's other errors
    (the service asks the same rule again)."""

    fact_date_fields: tuple[str, ...] = ()
    household: Household | None = None

    def clean(self):
        cleaned = super().clean()
        # A record of a household's file is not dated before the file was opened (建档日期).
        household = self.household
        registered_on = household.registered_on if household is not None and household.pk else None
        for name in self.fact_date_fields:
            reason = fact_date_reason(cleaned.get(name), today=timezone.localdate(), registered_on=registered_on)
            if reason is not None and name in self.fields:
                self.add_error(name, render_reason(reason))
        return cleaned


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, full ID number or dossier number"), "type": "search"}),
    )
    township = forms.ModelChoiceField(label=_("Township / street"), queryset=Area.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *HouseholdStatus.choices], required=False)
    caseworker = forms.ModelChoiceField(label=_("Caseworker"), queryset=User.objects.none(), required=False)
    completeness = forms.ChoiceField(
        label=_("Completeness"),
        required=False,
        choices=[
            ("", "—"),
            *((key, _("Complete") if low == 100 else f"{low}–{high}%") for key, low, high in rules.COMPLETENESS_BANDS),
        ],
    )
    review_due = forms.BooleanField(label=_("Review due within 30 days"), required=False)
    review_overdue = forms.BooleanField(label=_("Review overdue"), required=False)
    # Set by the dashboards' links (a county or village row); kept through the filter form.
    county = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    village = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    missing = forms.ChoiceField(
        label=_("Missing from the dossier"),
        required=False,
        choices=[("", "—"), *((code, _(r.label)) for code, r in rules.REQUIREMENTS.items())],
    )
    # The keyed blind index of a full ID number searched for (the list swaps the number for it).
    idx = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        townships = Area.objects.visible_to(user).filter(level=AreaLevel.TOWNSHIP)
        caseworkers = (
            User.objects.filter(role=Role.CASEWORKER, area__in=townships, is_active=True)
            .only("pk", "username", "first_name", "last_name")
            .order_by("username")
        )
        self.fields["township"].queryset = townships
        self.fields["caseworker"].queryset = caseworkers
        # The menus' options from one plain query each (a township user's own township from
        # the user's area, none): a model choice field reads its queryset through a server-side
        # cursor on every render (DECLARE, FETCH, CLOSE). The querysets still validate the choice.
        area = None if user.is_superuser or user.role == Role.ADMIN else user.area
        own_township = area is not None and area.level == AreaLevel.TOWNSHIP
        self._fixed_choices("township", [area] if own_township else townships, str)
        self._fixed_choices("caseworker", caseworkers, lambda u: u.display_name)

    def _fixed_choices(self, name: str, rows, label) -> None:
        field = self.fields[name]
        field.choices = [("", field.empty_label), *((row.pk, label(row)) for row in rows)]


class HouseholdForm(FactDatesMixin, forms.ModelForm):
    fact_date_fields = ("registered_on",)

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = [
            "township",
            "village",
            "address",
            "phone",
            "risk_level",
            "income_stable",
            "registered_on",
            "notes",
            "caseworkers",
        ]
        widgets = {
            "registered_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "caseworkers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The menu offers the township's caseworkers; the service refuses any other (another
        # township's, sent by hand) with its reason next to the field.
        caseworkers = self.fields["caseworkers"]
        caseworkers.label_from_instance = lambda u: u.display_name
        caseworkers.help_text = _("Caseworkers of the household's township.")
        caseworkers.queryset = User.objects.filter(role=Role.CASEWORKER, is_active=True).order_by("username")
        caseworkers.required = False
        caseworkers.error_messages["invalid_choice"] = _(
            "Only caseworkers of the household's township can be assigned to it."
        )
        if self.instance.pk:
            del self.fields["township"]
            # Corrected here if wrong (rules.dates bounds it by today and the file's first record).
            self.fields["registered_on"].required = False
            self.fields["village"].queryset = Area.objects.filter(
                level=AreaLevel.VILLAGE, township=self.instance.township_id
            )
            self.fields["version"].initial = self.instance.version
            caseworkers.queryset = caseworkers.queryset.filter(area_id=self.instance.township_id)
        else:
            del self.fields["version"]
            townships = Area.objects.visible_to(user).filter(level=AreaLevel.TOWNSHIP)
            if user.area and user.area.level == AreaLevel.TOWNSHIP:
                townships = townships.filter(pk=user.area_id)
            self.fields["township"].queryset = townships
            self.fields["township"].initial = user.area_id
            self.fields["village"].queryset = Area.objects.filter(level=AreaLevel.VILLAGE, township__in=townships)
            caseworkers.queryset = caseworkers.queryset.filter(area__in=townships)
            self.fields["registered_on"].initial = timezone.localdate()

    def _post_clean(self):  # the service validates and saves; skip ModelForm's instance update
        pass


class HouseholdStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (HouseholdStatus.EXITED, HouseholdStatus.EXITED.label),
            (HouseholdStatus.PENDING, _("Registered again (to be verified)")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


MEMBER_FIELDS = [
    "name",
    "relation_to_head",
    "hukou_place",
    "labour_ability",
    "health",
    "disability_class",
    "disability_kind",
    "school_stage",
    "employment",
    "monthly_income",
    "phone",
]


class MemberForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("ID number"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = MEMBER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "id_number"])
        if self.instance.pk:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("Leave empty to keep %(masked)s.") % {
                "masked": self.instance.id_number_masked
            }
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    def _post_clean(self):
        pass


class MemberMoveForm(forms.Form):
    to_dossier_no = forms.CharField(label=_("Move to household (dossier number)"), max_length=20)
    relation_to_head = forms.ChoiceField(label=_("Relation to the new head"), choices=Relation.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RevealPurpose(models.TextChoices):
    IDENTITY = "identity", _("Checking the person's identity")
    APPLICATION = "application", _("An application or a decision")
    DEPARTMENT = "department", _("A comparison with another department's data")
    OTHER = "other", _("Another purpose (say which)")


class RevealIdForm(forms.Form):
    """Why a full ID number is shown: the purpose is written into the audit trail."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=RevealPurpose.choices, widget=forms.RadioSelect)
    detail = forms.CharField(label=_("Details"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("purpose") == RevealPurpose.OTHER and not (data.get("detail") or "").strip():
            self.add_error("detail", _("Say for what the full number is needed."))
        return data

    def reason(self) -> str:
        label = str(RevealPurpose(self.cleaned_data["purpose"]).label)
        detail = (self.cleaned_data.get("detail") or "").strip()
        return f"{label}：{detail}" if detail else label


class MemberLeaveForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for leaving"), choices=LeaveReason.choices)
    left_on = forms.DateField(label=_("Left on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()


class VerificationForm(FactDatesMixin, forms.ModelForm):
    fact_date_fields = ("verified_on",)

    class Meta:
        model = Verification
        fields = [
            "verified_on",
            "source",
            "report_no",
            "members_counted",
            *Verification.INCOME_FIELDS,
            "income_from_new_work",
            "deposits",
            "securities",
            "real_estate_count",
            "vehicles",
            "vehicle_exempt",
            "registered_businesses",
            "expense_medical",
            "expense_education",
        ]
        widgets = {"verified_on": DATE}

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        # _post_clean is skipped (the service saves), so the model's bounds are checked here (the upper
        # one is the smallint column's range on every database: 99999999 members overflows PostgreSQL):
        # a negative amount is a field error, not a model ValidationError (a 500) inside the service.
        for name, field in self.fields.items():
            model_field = Verification._meta.get_field(name)
            field.validators += [v for v in model_field.validators if isinstance(v, MinValueValidator)]
            if isinstance(model_field, models.PositiveSmallIntegerField):
                field.validators.append(MaxValueValidator(32767))
        self.fields["members_counted"].required = False
        self.fields["members_counted"].help_text = _("Empty: the active members of the household.")
        self.fields["verified_on"].initial = timezone.localdate()

    def _post_clean(self):
        pass


class AssessmentForm(FactDatesMixin, forms.Form):
    fact_date_fields = ("assessed_on",)

    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    summary = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["assessed_on"].initial = timezone.localdate()
        unrated = unrated_domains({})
        for domain, label in NeedDomain.choices:
            # No default: every domain is chosen (a half-filled assessment is refused, naming it).
            self.fields[f"level_{domain}"] = forms.ChoiceField(
                label=label,
                choices=[("", _("Please choose")), *NeedLevel.choices],
                error_messages={"required": render_reason(unrated[domain])},
                widget=forms.Select(attrs={"aria-label": label}),
            )
            self.fields[f"note_{domain}"] = forms.CharField(label=_("Note"), max_length=300, required=False)

    def domain_fields(self):
        return [(self[f"level_{d}"], self[f"note_{d}"]) for d in NeedDomain.values]

    def ratings(self) -> dict[str, str]:
        return {d: self.cleaned_data[f"level_{d}"] for d in NeedDomain.values}

    def notes(self) -> dict[str, str]:
        return {d: self.cleaned_data[f"note_{d}"] for d in NeedDomain.values}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("document", "Kind"), choices=DocumentKind.choices)
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none(), required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(household=household, active=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class SurveyForm(FactDatesMixin, forms.ModelForm):
    """The home-visit survey; one confirm/changed/absent choice per active member is added
    as ``outcome_<member id>`` and ``note_<member id>``."""

    fact_date_fields = ("visited_on",)

    present = forms.ModelMultipleChoiceField(
        label=_("Caseworkers present"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    photos = MultipleFileField(label=_("Photos"), required=False)

    class Meta:
        model = Survey
        fields = [
            "visited_on",
            "present",
            "housing",
            "housing_condition",
            "appliances",
            "vehicles",
            "needs_observed",
            "household_confirmed",
            "confirmed_by_name",
            "notes",
            "follow_up_on",
        ]
        widgets = {
            "visited_on": DATE,
            "follow_up_on": DATE,
            "housing": forms.RadioSelect,
            "housing_condition": forms.RadioSelect,
            "needs_observed": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, household, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["visited_on"].initial = timezone.localdate()
        self.fields["present"].queryset = User.objects.filter(
            role__in=[Role.CASEWORKER, Role.TOWNSHIP_OFFICER], area_id=household.township_id, is_active=True
        ).order_by("username")
        self.fields["present"].initial = [user.pk]
        self.fields["present"].label_from_instance = lambda u: u.display_name
        self.fields["housing"].choices = [c for c in self.fields["housing"].choices if c[0]]
        self.fields["housing_condition"].choices = [c for c in self.fields["housing_condition"].choices if c[0]]
        self.members = list(household.members.filter(active=True).order_by("id"))
        for m in self.members:
            self.fields[f"member_{m.pk}"] = forms.ChoiceField(
                label=m.name, choices=SurveyMemberCheck.Outcome.choices, widget=forms.RadioSelect, required=False
            )
            self.fields[f"note_{m.pk}"] = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def member_rows(self):
        return [(m, self[f"member_{m.pk}"], self[f"note_{m.pk}"]) for m in self.members]

    def checks(self) -> list[dict]:
        return [
            {
                "member": m.pk,
                "outcome": self.cleaned_data.get(f"member_{m.pk}") or "",
                "note": self.cleaned_data.get(f"note_{m.pk}") or "",
            }
            for m in self.members
        ]

    def _post_clean(self):
        pass


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False, initial=True)

    def clean_file(self):
        """At most JIUZHU_IMPORT_MAX_BYTES, and an XLSX workbook by its content (the
        documents' own sniffing: a zip package with ``xl/workbook.xml``), before anything is
        stored or read."""
        from django.conf import settings

        upload = self.cleaned_data["file"]
        limit = settings.JIUZHU_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)})
        upload.seek(0)
        is_workbook = documents.sniff(upload.read(16), upload) == documents.XLSX
        upload.seek(0)
        if not is_workbook:
            raise forms.ValidationError(
                _("This is not an XLSX spreadsheet. Save it as .xlsx (Excel 2007 or later) and upload it again.")
            )
        return upload
