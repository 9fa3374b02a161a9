"""Forms of the assistance-plan pages; status never appears in a form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households.models import ActionKind, Plan, PlanAction
from jiuzhu.fields import NOTE_MAX_LENGTH
from jiuzhu.models import CIVIL_AFFAIRS_ROLES, User

DATE = forms.DateInput(attrs={"type": "date"})


class PlanNewForm(forms.Form):
    assessment = forms.ModelChoiceField(label=_("Needs assessment"), queryset=None)
    summary = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    # Without a chosen assessment the list offers only the newest ones (a county has
    # thousands); the main path is the dossier's "New plan" link, which chooses it.
    OFFERED = 20

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assessment"]
        field.queryset = assessments  # validation: any latest assessment in scope
        field.label_from_instance = lambda a: (
            f"{a.household.dossier_no} {a.household.head.name if a.household.head else ''} · {a.assessed_on:%Y-%m-%d}"
        )
        chosen = str(self.data.get("assessment") or self.initial.get("assessment") or "")
        offered = list(assessments.filter(pk=chosen)) if chosen.isdigit() else []
        if not offered:
            offered = list(assessments[: self.OFFERED])
        field.widget.choices = [("", field.empty_label), *((a.pk, field.label_from_instance(a)) for a in offered)]


class PlanEditForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["summary", "agreed_on", "agreed_by_name", "next_review_on"]  # noqa: RUF012
        widgets = {"agreed_on": DATE, "next_review_on": DATE, "summary": forms.Textarea(attrs={"rows": 2})}  # noqa: RUF012


class ActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["goal", "kind", "description", "responsible", "due_on", "resource_name"]  # noqa: RUF012
        widgets = {"due_on": DATE}  # noqa: RUF012
        labels = {"kind": pgettext_lazy("plan action", "Kind")}  # noqa: RUF012

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["kind"].choices = ActionKind.choices
        township = plan.household.township_id
        self.fields["responsible"].queryset = User.objects.filter(
            area_id=township, role__in=CIVIL_AFFAIRS_ROLES, is_active=True
        )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE)
    summary = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_review_on = forms.DateField(label=_("Next review"), required=False, widget=DATE)

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.CharField(label=goal.text, required=False, max_length=300)

    def progress(self) -> dict[str, str]:
        return {name[5:]: value for name, value in self.cleaned_data.items() if name.startswith("goal_") and value}


class CloseForm(forms.Form):
    outcome = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        label=pgettext_lazy("plan closing", "Outcome"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
