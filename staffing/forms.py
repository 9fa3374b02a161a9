# ruff: noqa: RUF012 -- Django/DRF Meta options are declarations read once, not shared mutable state.
"""Forms: they parse input; the services decide (and their reasons land next to the fields)."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from jiuzhu.models import Area, Role, User
from staffing import rules
from staffing.models import (
    Appraisal,
    Caseworker,
    Certificate,
    Education,
    EmploymentContract,
    ServiceContract,
    SocialOrganization,
    TransferPayment,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedModelForm(forms.ModelForm):
    """A model form carrying the version it was opened at, for the optimistic lock."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for f in self.fields.values():
            if isinstance(f, forms.DateField):
                f.widget = DATE

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


def townships_for(user):
    return Area.objects.visible_to(user).townships().filter(active=True).order_by("code")


class OrganizationForm(VersionedModelForm):
    class Meta:
        model = SocialOrganization
        fields = [
            "name",
            "credit_code",
            "county",
            "registration_authority",
            "registered_on",
            "legal_representative",
            "address",
            "contact_person",
            "contact_phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = Area.objects.visible_to(self.user).counties().order_by("code")
        # Spaces and full-width input are normalised by the rule: the model's 18-character limit
        # must not refuse "91330402 MA2B..." first with Django's generic length message.
        code = self.fields["credit_code"]
        code.max_length = 30
        code.validators = [v for v in code.validators if not isinstance(v, MaxLengthValidator)]
        code.validators.append(MaxLengthValidator(30))
        code.widget.attrs["maxlength"] = 30

    def clean_credit_code(self):
        check = rules.check_credit_code(self.cleaned_data["credit_code"])
        if not check.valid:
            from jiuzhu.i18n import render_reasons

            raise forms.ValidationError(render_reasons(check.reasons))
        return check.normal

    def validate_unique(self):
        """Uniqueness of the credit code is the service's to say (with the normalised code)."""


class ServiceContractForm(VersionedModelForm):
    class Meta:
        model = ServiceContract
        fields = ["township", "organization", "contract_no", "start", "end", "amount", "posts"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_for(self.user)
        self.fields["organization"].queryset = SocialOrganization.objects.in_scope(self.user)


class CaseworkerForm(VersionedModelForm):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        help_text=_("The birth date is read from the ID number; it cannot be changed later."),
    )

    class Meta:
        model = Caseworker
        fields = [
            "user",
            "name",
            "township",
            "organization",
            "hire_date",
            "full_time",
            "hukou_place",
            "hukou_in_jiaxing",
            "education",
            "full_time_education",
            "work_years",
            "civil_affairs_or_community_experience",
            "qualification_level",
            "qualification_date",
            "from_household_in_difficulty",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_for(self.user)
        self.fields["organization"].queryset = SocialOrganization.objects.in_scope(self.user)
        visible = Area.objects.visible_to(self.user).townships()
        users = User.objects.filter(role=Role.CASEWORKER, area__in=visible).select_related("area").order_by("username")
        if self.instance.pk:
            self.fields["user"].disabled = True
            self.fields["user"].queryset = User.objects.filter(pk=self.instance.user_id)
            del self.fields["id_number"]  # stored encrypted; never shown in or changed through a form
        else:
            self.fields["user"].queryset = users.filter(caseworker_profile__isnull=True)
            self.fields["user"].required = False
            self.fields["user"].label_from_instance = _login_label
            self.fields["user"].empty_label = _("— make a new login below —")
            self.fields["id_number"].required = True
            # The county makes the login in the same step: no superuser, no raw area ID.
            self.fields["new_username"] = forms.CharField(
                label=_("New login name"),
                max_length=150,
                required=False,
                help_text=_("If the caseworker has no login yet: a one-time password is shown after saving."),
            )
            self.order_fields(["user", "new_username"])

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("user") and not (data.get("new_username") or "").strip():
            self.add_error("user", _("Choose an existing login or enter a new login name."))
        return data

    def changes(self) -> dict:
        data = super().changes()
        if self.instance.pk:
            data.pop("user")
        elif data.get("user") is None:
            data.pop("user")
            data["new_username"] = self.cleaned_data["new_username"].strip()
        return data


def _login_label(user) -> str:
    # A login is chosen by the person's name and township, not by a raw area ID.
    name = user.get_full_name() or user.username
    return f"{name}（{user.username} · {user.area.name}）" if user.area_id else f"{name}（{user.username}）"


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[("left", _("Left")), ("dismissed", _("Dismissed"))])
    on = forms.DateField(label=_("On"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PostForm(forms.Form):
    """A new post: a transfer of a caseworker in post, or the re-hire of one who left."""

    township = forms.ModelChoiceField(label=_("Township"), queryset=Area.objects.none())
    full_time = forms.BooleanField(label=_("Full-time"), required=False, initial=True)
    on = forms.DateField(label=_("First day in the new post"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=150, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_for(user)


class EmploymentContractForm(VersionedModelForm):
    class Meta:
        model = EmploymentContract
        fields = [
            "caseworker",
            "organization",
            "start",
            "end",
            "monthly_pay",
            "township_reference_pay",
            "social_insurance",
            "signed_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = Caseworker.objects.in_scope(self.user).select_related("township")
        self.fields["organization"].queryset = SocialOrganization.objects.in_scope(self.user)


class AppraisalForm(VersionedModelForm):
    class Meta:
        model = Appraisal
        fields = [
            "caseworker",
            "year",
            "score",
            "grade",
            "rank",
            "cohort_size",
            "cohort_basis",
            "is_last_place",
            "reward_given",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = Caseworker.objects.in_scope(self.user).select_related("township")

    def validate_unique(self):
        """One appraisal per caseworker and year: the service says so in Chinese."""


class TransferForm(VersionedModelForm):
    class Meta:
        model = TransferPayment
        fields = ["township", "year", "amount", "paid_on", "document_no", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_for(self.user)


class RecruitmentCheckForm(forms.Form):
    check_date = forms.DateField(label=_("Check date"), widget=DATE)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    hukou_in_jiaxing = forms.BooleanField(label=_("Household registration in Jiaxing"), required=False)
    healthy = forms.BooleanField(label=_("Healthy"), required=False)
    computer_literate = forms.BooleanField(label=_("Computer-literate"), required=False)
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices)
    full_time_education = forms.BooleanField(label=_("Full-time education"), required=False)
    work_years = forms.DecimalField(label=_("Work experience (years)"), min_value=0, max_digits=5, decimal_places=2)
    civil_affairs_or_community_experience = forms.BooleanField(
        label=_("Civil-affairs or village/community experience"), required=False
    )
    social_work_certificate = forms.ChoiceField(label=_("Social-work certificate"), choices=Certificate.choices)
    from_household_in_difficulty = forms.BooleanField(label=_("From a household in difficulty"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("birth_date") and data.get("check_date") and data["birth_date"] > data["check_date"]:
            self.add_error("birth_date", _("The birth date is after the check date."))
        return data


class FundingForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=Area.objects.none(), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2018, max_value=2100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = Area.objects.visible_to(user).counties().order_by("code")
        self.fields["county"].to_field_name = "code"
