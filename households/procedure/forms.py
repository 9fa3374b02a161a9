"""Forms of the procedure's steps. Each form validates its input and ``perform``s the
step through the service; pages and the API use the same forms, so the checks match."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.dossier.pickers import HouseholdField
from households.models import Category, Household, Objection, Survey, Verification
from households.procedure import services
from jiuzhu.fields import NOTE_MAX_LENGTH
from jiuzhu.models import Area, AreaLevel

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def _today():
    return timezone.localdate()


class StepForm(forms.Form):
    """A step on one application; ``version`` guards against acting on a stale page.
    Each step's form defines ``perform(actor)``, which calls the step's service."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, application=None, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        if application is not None and not self.is_bound:
            self.fields["version"].initial = application.version


class ApplicationCreateForm(forms.Form):
    household = HouseholdField(label=_("household"), queryset=Household.objects.none())
    category = forms.ChoiceField(label=_("category applied for"), choices=Category.choices)
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        label=_("situation stated by the household"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker renders only the chosen household, never the thousands in scope.
        self.fields["household"].queryset = Household.objects.in_scope(user)

    def perform(self, actor):
        d = self.cleaned_data
        return services.application_create(
            actor=actor, household=d["household"], category=d["category"], note=d["note"]
        )


class SubmitForm(StepForm):
    received_on = forms.DateField(label=_("received on"), initial=_today, **DATE)

    def perform(self, actor):
        return services.application_submit(
            actor=actor,
            application=self.application,
            received_on=self.cleaned_data["received_on"],
            expected_version=self.cleaned_data["version"],
        )


class InvestigationStartForm(StepForm):
    on = forms.DateField(label=_("investigation started on"), initial=_today, **DATE)

    def perform(self, actor):
        return services.investigation_start(
            actor=actor,
            application=self.application,
            on=self.cleaned_data["on"],
            expected_version=self.cleaned_data["version"],
        )


class InvestigationForm(StepForm):
    survey = forms.ModelChoiceField(label=_("home-visit survey"), queryset=Survey.objects.none(), required=False)
    survey_visited_on = forms.DateField(label=_("home visit on (if not recorded as a survey)"), required=False, **DATE)
    authorisation_signed_on = forms.DateField(label=_("verification authorisation signed on"), required=False, **DATE)
    verification_requested_on = forms.DateField(label=_("economic verification requested on"), required=False, **DATE)
    verification = forms.ModelChoiceField(
        label=_("economic verification"), queryset=Verification.objects.none(), required=False
    )
    verification_received_on = forms.DateField(label=_("economic verification received on"), required=False, **DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.application is not None:
            hid = self.application.household_id
            self.fields["survey"].queryset = Survey.objects.filter(household_id=hid)
            self.fields["survey"].label_from_instance = lambda s: f"{s.visited_on:%Y-%m-%d}"
            self.fields["verification"].queryset = Verification.objects.filter(household_id=hid)
            self.fields["verification"].label_from_instance = lambda v: (
                f"{v.verified_on:%Y-%m-%d} {v.report_no} ({v.per_capita_income})"
            )

    def perform(self, actor):
        d = self.cleaned_data
        return services.investigation_record(
            actor=actor,
            application=self.application,
            expected_version=d["version"],
            survey=d["survey"],
            survey_visited_on=d["survey_visited_on"],
            authorisation_signed_on=d["authorisation_signed_on"],
            verification_requested_on=d["verification_requested_on"],
            verification=d["verification"],
            verification_received_on=d["verification_received_on"],
        )


class UrgentForm(StepForm):
    urgent_reason = forms.CharField(label=_("why urgent"), max_length=300)

    def perform(self, actor):
        return services.urgent_mark(
            actor=actor,
            application=self.application,
            reason=self.cleaned_data["urgent_reason"],
            expected_version=self.cleaned_data["version"],
        )


class NoticeForm(StepForm):
    notice_start = forms.DateField(label=_("notice starts"), **DATE)
    notice_end = forms.DateField(label=_("notice ends"), **DATE)
    notice_place = forms.CharField(label=_("notice posted at"), max_length=100, required=False)

    def perform(self, actor):
        d = self.cleaned_data
        return services.notice_start(
            actor=actor,
            application=self.application,
            start=d["notice_start"],
            end=d["notice_end"],
            place=d["notice_place"],
            expected_version=d["version"],
        )


class ObjectionForm(StepForm):
    objection = forms.ModelChoiceField(
        label=_("objection to resolve"), queryset=Objection.objects.none(), required=False
    )
    received_on = forms.DateField(label=_("received on"), initial=_today, **DATE)
    raised_by = forms.CharField(label=_("raised by"), max_length=50, required=False)
    content = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("objection"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    resolution = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        label=_("how it was resolved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resolved_on = forms.DateField(label=_("resolved on"), required=False, **DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.application is not None:
            self.fields["objection"].queryset = Objection.objects.filter(application_id=self.application.pk)
            self.fields["objection"].label_from_instance = lambda o: f"{o.received_on:%Y-%m-%d} {o.content[:30]}"

    def perform(self, actor):
        d = self.cleaned_data
        return services.objection_record(
            actor=actor,
            application=self.application,
            objection=d["objection"],
            received_on=d["received_on"],
            raised_by=d["raised_by"],
            content=d["content"],
            resolution=d["resolution"],
            resolved_on=d["resolved_on"],
            expected_version=d["version"],
        )


class CloseNoticeForm(StepForm):
    closed_on = forms.DateField(label=_("notice closed on"), initial=_today, **DATE)

    def perform(self, actor):
        return services.notice_close(
            actor=actor,
            application=self.application,
            closed_on=self.cleaned_data["closed_on"],
            expected_version=self.cleaned_data["version"],
        )


class DecideForm(StepForm):
    APPROVE, REFUSE = "approve", "refuse"
    decision = forms.ChoiceField(
        label=_("decision"), choices=[(APPROVE, _("Approve")), (REFUSE, _("Refuse"))], widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("approved category"), choices=[("", "—"), *Category.choices], required=False)
    monthly_amount = forms.DecimalField(
        label=_("amount (yuan)"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        help_text=_("For the minimum living allowance the amount is computed from the latest verification."),
    )
    severe = forms.BooleanField(label=_("severe hardship (temporary aid: the higher cap applies)"), required=False)
    decision_no = forms.CharField(label=_("decision number"), max_length=50, required=False)
    reason = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        label=_("reasons for refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.application is not None and not self.is_bound:
            self.fields["category"].initial = self.application.category

    def perform(self, actor):
        d = self.cleaned_data
        return services.application_decide(
            actor=actor,
            application=self.application,
            approve=d["decision"] == self.APPROVE,
            category=d["category"],
            monthly_amount=d["monthly_amount"],
            decision_no=d["decision_no"],
            reason=d["reason"],
            severe=d["severe"],
            expected_version=d["version"],
        )


class DeliverForm(StepForm):
    delivered_on = forms.DateField(label=_("notice delivered on"), initial=_today, **DATE)
    note = forms.CharField(label=_("how it was delivered"), max_length=200, required=False)

    def perform(self, actor):
        return services.notice_deliver(
            actor=actor,
            application=self.application,
            delivered_on=self.cleaned_data["delivered_on"],
            note=self.cleaned_data["note"],
            expected_version=self.cleaned_data["version"],
        )


# action name (as in the URL and the API, with dashes) → (rules action, form)
STEP_FORMS: dict[str, tuple[str, type[StepForm]]] = {
    "submit": ("submit", SubmitForm),
    "start-investigation": ("start_investigation", InvestigationStartForm),
    "record-investigation": ("record_investigation", InvestigationForm),
    "mark-urgent": ("mark_urgent", UrgentForm),
    "start-notice": ("start_notice", NoticeForm),
    "record-objection": ("record_objection", ObjectionForm),
    "close-notice": ("close_notice", CloseNoticeForm),
    "decide": ("decide", DecideForm),
    "deliver": ("deliver", DeliverForm),
}


class WorkdayOverrideForm(forms.Form):
    """An override's date and area (new rows only), its kind and note; the area is chosen by
    name among the city and its county-level units, never a township."""

    CITYWIDE = "city"

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    area = forms.ChoiceField(label=_("Applies to"))
    is_workday = forms.TypedChoiceField(
        label=_("That day is"),
        choices=(("1", _("a working day")), ("0", _("a day off"))),
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (e.g. the notice's number)"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Area.objects.visible_to(user).filter(level=AreaLevel.COUNTY, active=True).order_by("code")
        self.counties = {str(area.pk): area for area in counties}
        self.fields["area"].choices = [
            (self.CITYWIDE, _("The whole city")),
            *((k, a.name) for k, a in self.counties.items()),
        ]
        if instance is not None:
            del self.fields["date"]
            del self.fields["area"]
            self.initial.update(
                {"is_workday": "1" if instance.is_workday else "0", "note": instance.note, "version": instance.version}
            )

    def clean_area(self):
        value = self.cleaned_data["area"]
        return None if value == self.CITYWIDE else self.counties[value]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
