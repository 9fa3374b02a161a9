"""Forms of the four roles' pages. Choices of households, resources and volunteers come
from the user's scope; status fields are never in a form (they change through actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
from households.dossier.pickers import HouseholdField, HouseholdsField, matching, member_label
from households.models import Household, Member
from jiuzhu.fields import NOTE_MAX_LENGTH
from jiuzhu.models import Area, AreaLevel, Role, User

DATE = forms.DateInput(attrs={"type": "date"})


class ScopedForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only a form with a household field pays for the scope (the guardian-grant query).
        households = Household.objects.in_scope(user) if {"household", "households"} & set(self.fields) else None
        if "household" in self.fields:
            old = self.fields["household"]
            self.fields["household"] = HouseholdField(
                queryset=households,
                required=old.required,
                label=old.label,
                help_text=old.help_text,
                members_field="member" if "member" in self.fields else "",
            )
        if "households" in self.fields:
            old = self.fields["households"]
            self.fields["households"] = HouseholdsField(
                queryset=households,
                required=old.required,
                label=old.label,
                help_text=_("Type dossier numbers separated by commas, or search by the head's name."),
            )
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
        chain = [
            pk
            for pk in (user.area_id, getattr(user.area, "county_id", None), getattr(user.area, "city_id", None))
            if pk
        ]
        self.fields["area"].queryset = Area.objects.filter(
            pk__in=chain, level__in=[AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP]
        )


class ReferralForm(ScopedForm):
    class Meta:
        model = Referral
        fields = ["household", "member", "resource", "sent_on", "follow_up_on", "note"]  # noqa: RUF012
        widgets = {"sent_on": DATE, "follow_up_on": DATE}  # noqa: RUF012

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["resource"].queryset = (
            Resource.objects.in_scope(user).filter(active=True).order_by("domain", "name")
        )
        # Members of the chosen household only (a township has thousands of members); the
        # picker's script refills the list when another household is chosen.
        household = str(self.data.get("household") or self.initial.get("household") or "").strip()
        self.fields["member"].queryset = matching(
            Member.objects.in_scope(user).filter(active=True), [household] if household else [], prefix="household__"
        )
        self.fields["member"].label_from_instance = member_label


class ServiceForm(ScopedForm):
    class Meta:
        model = ServiceRecord
        fields = ["method", "service_area", "held_on", "minutes", "households", "content", "outcome", "follow_up_on"]  # noqa: RUF012
        labels = {"outcome": pgettext_lazy("service record", "Outcome")}  # noqa: RUF012
        widgets = {
            "held_on": DATE,
            "follow_up_on": DATE,
            "content": forms.Textarea(attrs={"rows": 3}),  # noqa: RUF012
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }


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

        self.fields["caseworkers_present"].queryset = scoped(
            User.objects.filter(role=Role.CASEWORKER), user, township="area", county="area__county"
        )
        self.fields["volunteers_present"].queryset = Volunteer.objects.in_scope(user)


class CaseForm(ScopedForm):
    anonymised = forms.BooleanField(label=_("I removed names, ID numbers and addresses"), required=False)

    class Meta:
        model = TypicalCase
        fields = ["title", "domain", "household", "body"]  # noqa: RUF012


class CaseEditForm(ScopedForm):
    class Meta:
        model = TypicalCase
        fields = ["title", "domain", "body"]  # noqa: RUF012


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ResponseForm(forms.Form):
    response = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("Response"), widget=forms.Textarea(attrs={"rows": 3})
    )


class HoursForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours served"), max_digits=6, decimal_places=1, min_value=0.5)
