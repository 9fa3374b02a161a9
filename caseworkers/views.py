"""Pages of the four roles' work. Thin: scope via selectors, changes via services.

Lists and forms share two generic templates (caseworkers/list.html, caseworkers/form.html);
a detail page shows facts and the transitions the user may take as small POST forms."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from caseworkers import forms, mytasks, selectors, services, summary
from caseworkers.models import (
    CaseStatus,
    Domain,
    FeedbackStatus,
    ReferralStatus,
    TypicalCase,
)
from households.models import Household
from jiuzhu.errors import RuleViolation
from jiuzhu.models import Role
from jiuzhu.scope import scoped

FIELD_ROLES = {Role.CASEWORKER, Role.TOWNSHIP_OFFICER, Role.ADMIN}
WRITE_ROLES = FIELD_ROLES | {Role.COUNTY_CIVIL}
COUNTY_ROLES = {Role.COUNTY_CIVIL, Role.CITY_CIVIL, Role.ADMIN}
SUMMARY_ROLES = {Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL, Role.CITY_CIVIL, Role.ADMIN, Role.CASEWORKER}


def require(request, roles) -> None:
    if not (request.user.is_superuser or request.user.role in roles):
        raise PermissionDenied


def d(value) -> str:
    return (
        value.strftime("%Y-%m-%d") if isinstance(value, datetime.date) else (value if value not in (None, "") else "—")
    )


def _list(request, *, title, columns, qs, cells, url_name, new_url=None, filters=None, note=""):
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [
        (reverse(url_name, args=[obj.pk]), list(zip(columns, [d(c) for c in cells(obj)]))) for obj in page.object_list
    ]
    return render(
        request,
        "caseworkers/list.html",
        {
            "title": title,
            "columns": columns,
            "rows": rows,
            "page_obj": page,
            "new_url": new_url,
            "filters": filters or {},
            "note": note,
        },
    )


def _form(request, *, title, form_class, save, back, initial=None):
    form = form_class(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: (list(v) if hasattr(v, "model") and hasattr(v, "all") else v) for k, v in form.cleaned_data.items()}
        try:
            obj = save(data)
        except RuleViolation as error:
            for message in error.messages():
                form.add_error(error.field if error.field in form.fields else None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect(obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else back(obj))
    return render(request, "caseworkers/form.html", {"title": title, "form": form})


def _detail(request, *, title, facts, transitions=(), extra_template=None, extra=None, households=()):
    """A record's page; ``households``: those it concerns, each linked to its dossier."""
    return render(
        request,
        "caseworkers/detail.html",
        {
            "title": title,
            "facts": [(label, d(value)) for label, value in facts],
            "transitions": transitions,
            "households": households,
            "extra_template": extra_template,
            **(extra or {}),
        },
    )


def _transition(request, do, back):
    try:
        do()
    except RuleViolation as error:
        for message in error.messages():
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect(back)


# Resources -------------------------------------------------------------------------------


def resource_list(request):
    q, domain = request.GET.get("q", "").strip(), request.GET.get("domain", "")
    return _list(
        request,
        title=_("Resource directory"),
        url_name="caseworkers:resource_detail",
        columns=[_("Name"), _("Domain"), _("Provider"), _("Area covered"), _("Contact")],
        qs=selectors.resource_list(user=request.user, q=q, domain=domain),
        cells=lambda r: [r.name, r.get_domain_display(), r.provider, r.area.name, r.contact],
        new_url=reverse("caseworkers:resource_new") if request.user.role in WRITE_ROLES else None,
        filters={"q": q, "domain": domain, "domains": Domain.choices},
    )


def resource_new(request):
    require(request, WRITE_ROLES)
    return _form(
        request,
        title=_("New resource"),
        form_class=forms.ResourceForm,
        save=lambda data: services.resource_create(actor=request.user, **data),
        back=lambda r: reverse("caseworkers:resource_detail", args=[r.pk]),
    )


def resource_detail(request, pk):
    r = get_object_or_404(selectors.resource_list(user=request.user, active_only=False), pk=pk)
    return _detail(
        request,
        title=r.name,
        facts=[
            (pgettext("resource", "Kind"), r.get_kind_display()),
            (_("Domain"), r.get_domain_display()),
            (_("Provider"), r.provider),
            (_("Area covered"), r.area.name),
            (_("Contact"), r.contact),
            (_("Conditions"), r.conditions),
            (_("Description"), r.description),
        ],
        transitions=[(_("Refer a household"), reverse("caseworkers:referral_new") + f"?resource={r.pk}", "get", False)],
    )


# Referrals -------------------------------------------------------------------------------


def referral_list(request):
    status = request.GET.get("status", "")
    return _list(
        request,
        title=_("Referrals"),
        url_name="caseworkers:referral_detail",
        columns=[_("Household"), _("Resource"), _("Status"), _("Sent on"), _("Follow-up date")],
        qs=selectors.referral_list(user=request.user, status=status),
        cells=lambda r: [r.household.dossier_no, r.resource.name, r.get_status_display(), r.sent_on, r.follow_up_on],
        new_url=reverse("caseworkers:referral_new") if request.user.role in FIELD_ROLES else None,
        filters={"status": status, "statuses": ReferralStatus.choices},
    )


def referral_new(request):
    require(request, FIELD_ROLES)
    initial = {"sent_on": timezone.localdate()}
    for key in ("household", "resource"):
        if request.GET.get(key, "").isdigit():
            initial[key] = int(request.GET[key])
    return _form(
        request,
        title=_("New referral"),
        form_class=forms.ReferralForm,
        initial=initial,
        save=lambda data: services.referral_create(actor=request.user, **data),
        back=lambda r: reverse("caseworkers:referral_detail", args=[r.pk]),
    )


def referral_detail(request, pk):
    r = get_object_or_404(selectors.referral_list(user=request.user), pk=pk)
    steps = []
    if request.user.role in FIELD_ROLES:
        url = reverse("caseworkers:referral_step", args=[r.pk])
        if r.status == ReferralStatus.SENT:
            steps.append((_("Accepted"), url + "?to=accepted", "post", False))
        if r.status == ReferralStatus.ACCEPTED:
            steps.append((_("Done"), url + "?to=done", "post", False))
        if r.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
            steps.append((_("Failed"), url + "?to=failed", "post", True))
    return _detail(
        request,
        title=_("Referral"),
        transitions=steps,
        facts=[
            (_("Household"), r.household.dossier_no),
            (_("Member"), r.member.name if r.member else ""),
            (_("Resource"), r.resource.name),
            (_("Status"), r.get_status_display()),
            (_("Sent on"), r.sent_on),
            (_("Accepted on"), r.accepted_on),
            (_("Closed on"), r.closed_on),
            (_("Reason for failure"), r.failure_reason),
            (_("Follow-up date"), r.follow_up_on),
            (_("Note"), r.note),
        ],
        households=[r.household],
    )


@require_POST
def referral_step(request, pk):
    require(request, FIELD_ROLES)
    r = get_object_or_404(selectors.referral_list(user=request.user), pk=pk)
    return _transition(
        request,
        lambda: services.referral_transition(
            actor=request.user,
            referral=r,
            target=request.GET.get("to", ""),
            reason=request.POST.get("reason", ""),
            expected_version=int(request.POST.get("version") or r.version),
        ),
        reverse("caseworkers:referral_detail", args=[pk]),
    )


# Services --------------------------------------------------------------------------------


def service_list(request):
    return _list(
        request,
        title=_("Service records"),
        url_name="caseworkers:service_detail",
        columns=[_("Date"), _("Method"), _("Service"), _("Households"), _("Minutes"), _("Follow-up date")],
        qs=selectors.service_list(user=request.user),
        cells=lambda s: [
            s.held_on,
            s.get_method_display(),
            s.get_service_area_display(),
            s.household_count,
            s.minutes,
            s.follow_up_on,
        ],
        new_url=reverse("caseworkers:service_new") if request.user.role in FIELD_ROLES else None,
    )


def service_new(request):
    require(request, FIELD_ROLES)
    initial = {"held_on": timezone.localdate()}
    if request.GET.get("household", "").isdigit():
        initial["households"] = [int(request.GET["household"])]
    return _form(
        request,
        title=_("New service record"),
        form_class=forms.ServiceForm,
        initial=initial,
        save=lambda data: services.service_create(actor=request.user, **data),
        back=lambda s: reverse("caseworkers:service_detail", args=[s.pk]),
    )


def service_detail(request, pk):
    s = get_object_or_404(selectors.service_list(user=request.user).prefetch_related("households"), pk=pk)
    steps = []
    if request.user.role in FIELD_ROLES and s.follow_up_on and not s.followed_up:
        steps.append((_("Followed up"), reverse("caseworkers:service_followed_up", args=[s.pk]), "post", False))
    return _detail(
        request,
        title=_("Service record"),
        transitions=steps,
        facts=[
            (_("Date"), s.held_on),
            (_("Method"), s.get_method_display()),
            (_("Service"), s.get_service_area_display()),
            (_("Minutes"), s.minutes),
            (_("Households"), ", ".join(h.dossier_no for h in s.households.all())),
            (_("Content"), s.content),
            (pgettext("service record", "Outcome"), s.outcome),
            (_("Follow-up date"), s.follow_up_on),
            (_("Recorded by"), s.created_by.display_name),
        ],
        households=list(s.households.all()),
    )


@require_POST
def service_followed_up(request, pk):
    require(request, FIELD_ROLES)
    s = get_object_or_404(selectors.service_list(user=request.user), pk=pk)
    return _transition(
        request,
        lambda: services.service_followed_up(actor=request.user, service=s),
        reverse("caseworkers:service_detail", args=[pk]),
    )


# Publicity -------------------------------------------------------------------------------


def publicity_list(request):
    return _list(
        request,
        title=_("Publicity activities"),
        url_name="caseworkers:publicity_detail",
        columns=[_("Date"), _("Form"), _("Policy topics"), _("Place"), _("Households reached"), _("People reached")],
        qs=selectors.publicity_list(user=request.user),
        cells=lambda p: [p.held_on, p.get_form_display(), p.topics, p.place, p.household_count, p.head_count],
        new_url=reverse("caseworkers:publicity_new") if request.user.role in FIELD_ROLES else None,
    )


def publicity_new(request):
    require(request, FIELD_ROLES)
    return _form(
        request,
        title=_("New publicity activity"),
        form_class=forms.PublicityForm,
        initial={"held_on": timezone.localdate()},
        save=lambda data: services.publicity_create(actor=request.user, **data),
        back=lambda p: reverse("caseworkers:publicity_detail", args=[p.pk]),
    )


def publicity_detail(request, pk):
    p = get_object_or_404(
        selectors.publicity_list(user=request.user).prefetch_related("households", "volunteers"), pk=pk
    )
    return _detail(
        request,
        title=_("Publicity activity"),
        facts=[
            (_("Date"), p.held_on),
            (_("Form"), p.get_form_display()),
            (_("Policy topics"), p.topics),
            (_("Place"), p.place),
            (_("Households reached"), ", ".join(h.dossier_no for h in p.households.all())),
            (_("People reached"), p.head_count),
            (_("Volunteers"), ", ".join(v.name for v in p.volunteers.all())),
            (_("Notes"), p.notes),
        ],
    )


# Policy feedback -------------------------------------------------------------------------


def feedback_list(request):
    return _list(
        request,
        title=_("Policy feedback"),
        url_name="caseworkers:feedback_detail",
        columns=[_("Title"), pgettext("policy feedback", "Kind"), _("Sent to"), _("Status"), _("Township / street")],
        qs=selectors.feedback_list(user=request.user),
        cells=lambda f: [
            f.title,
            f.get_kind_display(),
            f.get_sent_to_display(),
            f.get_status_display(),
            f.township.name if f.township else f.county.name,
        ],
        new_url=reverse("caseworkers:feedback_new") if request.user.role in WRITE_ROLES else None,
    )


def feedback_new(request):
    require(request, WRITE_ROLES)
    return _form(
        request,
        title=_("New policy feedback"),
        form_class=forms.FeedbackForm,
        save=lambda data: services.feedback_create(actor=request.user, **data),
        back=lambda f: reverse("caseworkers:feedback_detail", args=[f.pk]),
    )


def feedback_detail(request, pk):
    f = get_object_or_404(selectors.feedback_list(user=request.user), pk=pk)
    steps = []
    if request.user.role in COUNTY_ROLES and f.status == FeedbackStatus.SENT:
        steps.append(
            (_("Record the response"), reverse("caseworkers:feedback_respond", args=[f.pk]), "post", "response")
        )
    return _detail(
        request,
        title=f.title,
        transitions=steps,
        facts=[
            (pgettext("policy feedback", "Kind"), f.get_kind_display()),
            (_("Sent to"), f.get_sent_to_display()),
            (_("Description"), f.body),
            (_("Status"), f.get_status_display()),
            (_("Response"), f.response),
            (_("Responded on"), f.responded_on),
        ],
    )


@require_POST
def feedback_respond(request, pk):
    require(request, COUNTY_ROLES)
    f = get_object_or_404(selectors.feedback_list(user=request.user), pk=pk)
    return _transition(
        request,
        lambda: services.feedback_respond(actor=request.user, feedback=f, response=request.POST.get("response", "")),
        reverse("caseworkers:feedback_detail", args=[pk]),
    )


# Volunteers ------------------------------------------------------------------------------


def volunteer_list(request):
    return _list(
        request,
        title=_("Volunteers"),
        url_name="caseworkers:volunteer_detail",
        columns=[_("Name"), _("Organization"), _("Skills"), _("Status"), _("Training hours"), _("Assignments")],
        qs=selectors.volunteer_list(user=request.user),
        cells=lambda v: [
            v.name,
            v.organization.name if v.organization else "",
            v.skills,
            v.get_status_display(),
            v.training_hours,
            v.assignment_count,
        ],
        new_url=reverse("caseworkers:volunteer_new") if request.user.role in WRITE_ROLES else None,
    )


def volunteer_new(request):
    require(request, WRITE_ROLES)
    return _form(
        request,
        title=_("New volunteer"),
        form_class=forms.VolunteerForm,
        initial={"registered_on": timezone.localdate()},
        save=lambda data: services.volunteer_create(actor=request.user, **data),
        back=lambda v: reverse("caseworkers:volunteer_detail", args=[v.pk]),
    )


def organization_new(request):
    require(request, WRITE_ROLES)
    return _form(
        request,
        title=_("New volunteer organization"),
        form_class=forms.OrganizationForm,
        save=lambda data: services.organization_create(actor=request.user, **data),
        back=lambda o: reverse("caseworkers:volunteer_list"),
    )


def volunteer_detail(request, pk):
    v = get_object_or_404(selectors.volunteer_list(user=request.user), pk=pk)
    assignments = list(selectors.assignment_list(user=request.user, volunteer_id=v.pk))
    form = forms.AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require(request, WRITE_ROLES)
        if form.is_valid():
            try:
                services.assignment_create(actor=request.user, volunteer=v, **form.cleaned_data)
            except RuleViolation as error:
                form.add_error(error.field if error.field in form.fields else None, error.messages()[0])
            else:
                messages.success(request, _("Saved."))
                return redirect("caseworkers:volunteer_detail", pk=v.pk)
    return _detail(
        request,
        title=v.name,
        extra_template="caseworkers/_assignments.html",
        extra={"assignments": assignments, "form": form, "volunteer": v},
        facts=[
            (_("Organization"), v.organization.name if v.organization else ""),
            (_("Phone"), v.phone),
            (_("Skills"), v.skills),
            (_("Registered on"), v.registered_on),
            (_("Status"), v.get_status_display()),
            (_("Training hours"), v.training_hours),
            (_("Training sessions"), selectors.training_record(person=v)["sessions"]),
        ],
    )


@require_POST
def assignment_done(request, pk):
    require(request, WRITE_ROLES)
    a = get_object_or_404(selectors.assignment_list(user=request.user), pk=pk)
    form = forms.HoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the hours served."))
        return redirect("caseworkers:volunteer_detail", pk=a.volunteer_id)
    return _transition(
        request,
        lambda: services.assignment_complete(actor=request.user, assignment=a, hours=form.cleaned_data["hours"]),
        reverse("caseworkers:volunteer_detail", args=[a.volunteer_id]),
    )


# Training --------------------------------------------------------------------------------


def training_list(request):
    return _list(
        request,
        title=_("Training"),
        url_name="caseworkers:training_detail",
        columns=[
            _("Date"),
            _("Title"),
            _("Audience"),
            _("Topic"),
            _("Hours"),
            _("Caseworkers present"),
            _("Volunteers present"),
        ],
        qs=selectors.training_list(user=request.user),
        cells=lambda t: [
            t.held_on,
            t.title,
            t.get_audience_display(),
            t.get_topic_display(),
            t.hours,
            t.caseworker_count,
            t.volunteer_count,
        ],
        new_url=reverse("caseworkers:training_new") if request.user.role in WRITE_ROLES else None,
        note=_my_training(request.user),
    )


def _my_training(user) -> str:
    if user.role != Role.CASEWORKER:
        return ""
    record = selectors.training_record(person=user)
    return _("Your training record: %(sessions)s sessions, %(hours)s hours.") % {
        "sessions": record["sessions"],
        "hours": floatformat(record["hours"] or 0, -1),
    }


def training_new(request):
    require(request, WRITE_ROLES)
    return _form(
        request,
        title=_("New training"),
        form_class=forms.TrainingForm,
        initial={"held_on": timezone.localdate()},
        save=lambda data: services.training_create(actor=request.user, **data),
        back=lambda t: reverse("caseworkers:training_detail", args=[t.pk]),
    )


def training_detail(request, pk):
    t = get_object_or_404(
        selectors.training_list(user=request.user).prefetch_related("caseworkers_present", "volunteers_present"), pk=pk
    )
    return _detail(
        request,
        title=t.title,
        facts=[
            (_("Date"), t.held_on),
            (_("Audience"), t.get_audience_display()),
            (_("Topic"), t.get_topic_display()),
            (_("Hours"), t.hours),
            (_("Caseworkers present"), ", ".join(u.display_name for u in t.caseworkers_present.all())),
            (_("Volunteers present"), ", ".join(v.name for v in t.volunteers_present.all())),
        ],
    )


# Typical cases ---------------------------------------------------------------------------


def case_list(request):
    return _list(
        request,
        title=_("Typical cases"),
        url_name="caseworkers:case_detail",
        columns=[_("Title"), _("Domain"), _("Status"), _("Township / street"), _("Approved on")],
        qs=selectors.case_list(user=request.user),
        cells=lambda c: [
            c.title,
            c.get_domain_display(),
            c.get_status_display(),
            c.township.name if c.township else c.county.name,
            c.approved_on,
        ],
        new_url=reverse("caseworkers:case_new") if request.user.role in FIELD_ROLES else None,
    )


def case_new(request):
    require(request, FIELD_ROLES)

    def save(data):
        anonymised = data.pop("anonymised", False)
        case = services.case_create(actor=request.user, **data)
        if anonymised:
            services.case_transition(actor=request.user, case=case, target=CaseStatus.SUBMITTED, anonymised=True)
        return case

    return _form(
        request,
        title=_("New typical case"),
        form_class=forms.CaseForm,
        save=save,
        back=lambda c: reverse("caseworkers:case_detail", args=[c.pk]),
    )


def case_edit(request, pk):
    require(request, FIELD_ROLES)
    c = get_object_or_404(scoped(TypicalCase.objects.all(), request.user).filter(created_by=request.user), pk=pk)
    if c.status not in services.EDITABLE_CASE_STATUSES:
        messages.error(request, _("Only a draft or a returned case can be edited."))
        return redirect("caseworkers:case_detail", pk=c.pk)
    form = forms.CaseEditForm(
        request.POST or None, instance=TypicalCase(title=c.title, domain=c.domain, body=c.body), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=request.user, case=c, **{k: form.cleaned_data[k] for k in form.Meta.fields})
        except RuleViolation as error:
            for message in error.messages():
                form.add_error(error.field if error.field in form.fields else None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect("caseworkers:case_detail", pk=c.pk)
    return render(request, "caseworkers/form.html", {"title": _("Edit typical case"), "form": form})


def case_detail(request, pk):
    c = get_object_or_404(selectors.case_list(user=request.user), pk=pk)
    url = reverse("caseworkers:case_step", args=[c.pk])
    steps = []
    if (
        request.user.role in FIELD_ROLES
        and c.status in (CaseStatus.DRAFT, CaseStatus.RETURNED)
        and c.created_by_id == request.user.pk
    ):
        steps.append((_("Edit"), reverse("caseworkers:case_edit", args=[c.pk]), "get", False))
        steps.append((_("Submit (anonymised)"), url + "?to=submitted", "post", False))
    if request.user.role in COUNTY_ROLES and c.status == CaseStatus.SUBMITTED:
        steps += [
            (_("Approve"), url + "?to=approved", "post", False),
            (_("Return"), url + "?to=returned", "post", True),
        ]
    return _detail(
        request,
        title=c.title,
        transitions=steps,
        facts=[
            (_("Domain"), c.get_domain_display()),
            (_("Status"), c.get_status_display()),
            (_("Case write-up (anonymised)"), c.body),
            (_("Approved on"), c.approved_on),
            (_("Review note"), c.review_note),
        ],
    )


@require_POST
def case_step(request, pk):
    target = request.GET.get("to", "")
    deciding = target in (CaseStatus.APPROVED, CaseStatus.RETURNED)
    require(request, COUNTY_ROLES if deciding else FIELD_ROLES)
    # Deciding needs the case in the county's own area (approved cases elsewhere are only
    # readable); submitting is the author's own step.
    qs = scoped(TypicalCase.objects.all(), request.user)
    if not deciding:
        qs = qs.filter(created_by=request.user)
    c = get_object_or_404(qs, pk=pk)
    return _transition(
        request,
        lambda: services.case_transition(
            actor=request.user, case=c, target=target, note=request.POST.get("reason", "")
        ),
        reverse("caseworkers:case_detail", args=[pk]),
    )


# My tasks and the work summary -----------------------------------------------------------


def my_tasks(request):
    """The user's tasks, a page at a time: overdue first, grouped by kind and household."""
    today = timezone.localdate()
    kinds = {s.kind for s in mytasks.SOURCES}
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else None
    overdue_only = request.GET.get("overdue") == "1"
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    page = mytasks.task_page(request.user, today, kind=kind, overdue_only=overdue_only, page=number)
    households = (
        Household.objects.in_scope(request.user)
        .select_related("head")
        .in_bulk({t.household_id for t in page.items if t.household_id})
    )
    groups: list[dict] = []
    for task in page.items:
        late = task.overdue(today)
        if not groups or (groups[-1]["kind"], groups[-1]["late"]) != (task.kind, late):
            groups.append({"kind": task.kind, "label": mytasks.kind_label(task.kind), "late": late, "households": []})
        rows = groups[-1]["households"]
        if not rows or rows[-1]["id"] != task.household_id:
            rows.append({"id": task.household_id, "household": households.get(task.household_id), "tasks": []})
        rows[-1]["tasks"].append(task)
    params = {k: v for k, v in (("kind", kind), ("overdue", "1" if overdue_only else None)) if v}
    return render(
        request,
        "caseworkers/tasks.html",
        {
            "page_obj": page,
            "groups": groups,
            "kind": kind,
            "overdue_only": overdue_only,
            "all_total": sum(c.total for c in page.counts),
            "all_overdue": sum(c.overdue for c in page.counts),
            "querystring_without_page": f"{urlencode(params)}&" if params else "",
        },
    )


def work_summary(request):
    require(request, SUMMARY_ROLES)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    rows = summary.work_summary(user=request.user, start=datetime.date(year, 1, 1), end=datetime.date(year + 1, 1, 1))
    if request.user.role == Role.CASEWORKER:
        rows = [r for r in rows if r.caseworker.pk == request.user.pk]
    # Each caseworker's training that year (sessions attended, hours), for the township and county.
    people = list({r.caseworker.pk: r.caseworker for r in rows}.values())
    records = (
        selectors.training_records(
            user_ids=[p.pk for p in people], start=datetime.date(year, 1, 1), end=datetime.date(year + 1, 1, 1)
        )
        if people
        else {}
    )
    training = [(p, records.get(p.pk, {"sessions": 0, "hours": 0})) for p in people]
    return render(request, "caseworkers/summary.html", {"rows": rows, "year": year, "training": training})


def home(request):
    return redirect("caseworkers:tasks")
