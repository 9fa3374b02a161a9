"""Forms of the dynamic review; they only parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households.models import (
    Category,
    ChangeKind,
    Enrolment,
    EnrolmentStatus,
    Household,
    ReviewOutcome,
    Verification,
)
from jiuzhu.fields import NOTE_MAX_LENGTH

DATE = forms.DateInput(attrs={"type": "date"})


class ChangeReportForm(forms.Form):
    # A dossier number rather than a select: a township has hundreds of households, and the
    # caseworker on the doorstep has the number on the card.
    dossier_no = forms.CharField(max_length=20, label=_("dossier number"))
    kind = forms.ChoiceField(choices=ChangeKind.choices, label=_("kind of change"))
    date = forms.DateField(label=_("date of the change"), widget=DATE)
    source = forms.CharField(
        max_length=100,
        label=_("source"),
        help_text=_("Who or what told us (the household, a neighbour, a data comparison)."),
    )
    description = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("description"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, households, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.households = households

    def clean_dossier_no(self) -> Household:
        number = self.cleaned_data["dossier_no"].strip()
        household = self.households.filter(dossier_no=number).first()
        if household is None:
            raise forms.ValidationError(_("No household with this dossier number in your area."))
        return household


class ReviewRecordForm(forms.Form):
    visited_on = forms.DateField(label=_("visited on"), widget=DATE)
    outcome = forms.ChoiceField(choices=ReviewOutcome.choices, label=pgettext_lazy("review", "Outcome"))
    verification = forms.ModelChoiceField(
        queryset=Verification.objects.none(), required=False, label=_("new verification")
    )
    enrolment = forms.ModelChoiceField(
        queryset=Enrolment.objects.none(), required=False, label=_("enrolment concerned")
    )
    exit_reason = forms.CharField(max_length=300, required=False, label=_("exit reason"))
    proposed_category = forms.ChoiceField(
        choices=[("", "—"), *Category.choices], required=False, label=_("proposed category")
    )
    proposed_amount = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, label=_("proposed monthly amount (yuan)")
    )
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, label=_("note"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["verification"].queryset = Verification.objects.filter(household=household).order_by("-verified_on")
        self.fields["enrolment"].queryset = Enrolment.objects.filter(
            household=household,
            status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.GRADUAL_EXIT, EnrolmentStatus.SUSPENDED],
        )
        self.fields["verification"].label_from_instance = lambda v: f"{v.verified_on:%Y-%m-%d} · {v.per_capita_income}"


class DecisionForm(forms.Form):
    confirm = forms.TypedChoiceField(
        choices=[("1", _("Confirm")), ("0", _("Send back"))], coerce=lambda v: v == "1", label=_("decision")
    )
    decision_note = forms.CharField(max_length=300, required=False, label=_("decision note"))
