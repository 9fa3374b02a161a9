"""Dossier pages: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households import access
from households.dossier import forms, selectors, services
from households.dossier.documents import EXTENSIONS, missing_file_message
from households.models import Document, Household, Member, NeedDomain
from jiuzhu import audit
from jiuzhu.errors import RuleViolation
from jiuzhu.models import CIVIL_AFFAIRS_ROLES
from jiuzhu.pagination import IdsFirstPaginator

PAGE_SIZE = 25


def _household(request: HttpRequest, pk: int, *, edit: bool = False) -> Household:
    """A household in the user's scope (else 404); for a change, one they may edit (else 403)."""
    household = (
        Household.objects.in_scope(request.user).select_related("township", "county", "head").filter(pk=pk).first()
    )
    if household is None:
        raise Http404
    if edit and not selectors.can_edit(request.user, household):
        raise PermissionDenied(_("Your role may not change this household."))
    return household


def search_params(params: QueryDict) -> QueryDict:
    """The list's filters without the page number and the CSRF token, a full ID number
    searched for swapped for its keyed blind index: the number is not copied into further
    URLs (pagination, export), the address bar, logs or a stored export job."""
    params = params.copy()
    params.pop("csrfmiddlewaretoken", None)
    params.pop("page", None)
    digest = selectors.id_search_digest(params.get("q", ""))
    if digest:
        params.pop("q")
        params["idx"] = digest
    return params


def _querystring_without_page(request: HttpRequest) -> str:
    encoded = search_params(request.GET).urlencode()
    return f"{encoded}&" if encoded else ""


def require_civil_affairs(user) -> None:
    """Finance users have no business with household files: refused outright (403)."""
    if not (user.is_superuser or user.role in CIVIL_AFFAIRS_ROLES):
        raise PermissionDenied


def household_list(request):
    require_civil_affairs(request.user)
    if request.method == "POST" or selectors.id_search_digest(request.GET.get("q", "")):
        # The search form posts, and a full ID number typed into a URL is taken out of it:
        # the redirect carries the number's keyed blind index, so no ID number stays in the
        # address bar, the browser history or a proxy's and server's request logs.
        params = search_params(request.POST if request.method == "POST" else request.GET)
        return redirect(f"{request.path}?{params.urlencode()}")
    form = forms.HouseholdFilterForm(request.GET or None, user=request.user)
    queryset = selectors.household_list(user=request.user)
    if form.is_valid():
        queryset = selectors.filtered(queryset, form.cleaned_data)
    # Paged on ids, the head and areas joined for the page's rows only (jiuzhu.pagination).
    page = IdsFirstPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "households/household_list.html",
        {
            "form": form,
            "page_obj": page,
            "households": page.object_list,
            "querystring_without_page": _querystring_without_page(request),
            "can_create": access.may_edit_dossier(request.user),
        },
    )


def household_create(request):
    if not (access.may_edit_dossier(request.user)):
        raise PermissionDenied
    form = forms.HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_create(
                actor=request.user,
                township=data["township"],
                registered_on=data["registered_on"],
                **{k: data[k] for k in services.HOUSEHOLD_EDITABLE},
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("Household %(dossier)s created.") % {"dossier": household.dossier_no})
            return redirect("households:member_add", pk=household.pk)
    return render(request, "households/form.html", {"form": form, "title": _("New household")})


def household_edit(request, pk: int):
    household = _household(request, pk, edit=True)
    form = forms.HouseholdForm(request.POST or None, instance=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_update(
                actor=request.user,
                household=Household.objects.get(pk=pk),
                expected_version=data.get("version"),
                **{k: data[k] for k in services.HOUSEHOLD_CORRECTABLE},
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("households:detail", pk=pk)
    return render(request, "households/form.html", {"form": form, "household": household, "title": _("Edit household")})


def household_status(request, pk: int):
    """The township officer exits a household or registers an exited one again, with the reason."""
    household = _household(request, pk, edit=True)
    if not (access.may_set_status(request.user)):
        raise PermissionDenied
    form = forms.HouseholdStatusForm(request.POST or None, initial={"version": household.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_status_set(
                actor=request.user,
                household=household,
                to=data["status"],
                reason=data["reason"],
                expected_version=data.get("version"),
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("Status changed to %(status)s.") % {"status": household.get_status_display()})
            return redirect("households:detail", pk=pk)
    return render(
        request,
        "households/form.html",
        {"form": form, "household": household, "title": _("Change the household's status")},
    )


def member_add(request, pk: int):
    household = _household(request, pk, edit=True)
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_add(
                actor=request.user,
                household=household,
                id_number=data["id_number"],
                **{k: data[k] for k in forms.MEMBER_FIELDS},
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("Member added."))
            if "add_another" in request.POST:
                return redirect("households:member_add", pk=pk)
            return redirect("households:detail", pk=pk)
    return render(
        request,
        "households/form.html",
        {"form": form, "household": household, "title": _("Add member"), "add_another": True},
    )


def _member(request, pk: int, member_id: int, *, edit: bool = True) -> tuple[Household, Member]:
    household = _household(request, pk, edit=edit)
    member = get_object_or_404(Member.objects.filter(household=household), pk=member_id)
    return household, member


def member_edit(request, pk: int, member_id: int):
    household, member = _member(request, pk, member_id)
    form = forms.MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_update(
                actor=request.user,
                member=member,
                expected_version=data.get("version"),
                id_number=data.get("id_number") or None,
                **{k: data[k] for k in forms.MEMBER_FIELDS},
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("households:detail", pk=pk)
    return render(request, "households/form.html", {"form": form, "household": household, "title": _("Edit member")})


def member_move(request, pk: int, member_id: int):
    household, member = _member(request, pk, member_id)
    form = forms.MemberMoveForm(request.POST or None, initial={"version": member.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = selectors.editable_households(request.user).filter(dossier_no=data["to_dossier_no"].strip()).first()
        if target is None:
            form.add_error("to_dossier_no", _("No household with this dossier number that you may change."))
        else:
            try:
                services.member_move(
                    actor=request.user,
                    member=member,
                    to_household=target,
                    relation_to_head=data["relation_to_head"],
                    reason=data["reason"],
                    expected_version=data.get("version"),
                )
            except RuleViolation as error:
                forms.apply_violation(form, error)
            else:
                messages.success(
                    request, _("%(name)s moved to %(dossier)s.") % {"name": member.name, "dossier": target.dossier_no}
                )
                return redirect("households:detail", pk=target.pk)
    return render(
        request,
        "households/form.html",
        {
            "form": form,
            "household": household,
            "title": _("Move %(name)s to another household") % {"name": member.name},
        },
    )


def member_leave(request, pk: int, member_id: int):
    """End a membership (death, moved away, married out, other); the row stays in the file."""
    household, member = _member(request, pk, member_id)
    form = forms.MemberLeaveForm(request.POST or None, initial={"version": member.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_leave(
                actor=request.user,
                member=member,
                reason=data["reason"],
                on=data["left_on"],
                note=data["note"],
                expected_version=data.get("version"),
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("%(name)s has left the household.") % {"name": member.name})
            return redirect("households:detail", pk=pk)
    return render(
        request,
        "households/form.html",
        {"form": form, "household": household, "title": _("%(name)s leaves the household") % {"name": member.name}},
    )


@require_POST
def member_id_number(request, pk: int, member_id: int):
    """Show one full ID number; the view is audited. POST so it is never a link or prefetch."""
    household, member = _member(request, pk, member_id, edit=False)
    # The number is shown only for a stated purpose, and the purpose goes into the trail.
    # The dossier's button posts nothing: the form is asked for; once asked, it is checked.
    form = forms.RevealIdForm(request.POST if "asked" in request.POST else None)
    if not form.is_valid():
        return render(request, "households/id_number.html", {"household": household, "member": member, "form": form})
    audit.record_view(
        actor=request.user, instance=member, what=f"{_('Full ID number')} · {form.reason()}", request=request
    )
    return render(
        request, "households/id_number.html", {"household": household, "member": member, "id_number": member.id_number}
    )


def verification_new(request, pk: int):
    household = _household(request, pk, edit=True)
    form = forms.VerificationForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            v = services.verification_record(actor=request.user, household=household, **data)
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(
                request,
                _("Verification recorded: per-capita income %(amount)s yuan.") % {"amount": v.per_capita_income},
            )
            return redirect("households:detail", pk=pk)
    return render(
        request, "households/form.html", {"form": form, "household": household, "title": _("Record a verification")}
    )


def assessment_new(request, pk: int):
    household = _household(request, pk, edit=True)
    form = forms.AssessmentForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                actor=request.user,
                household=household,
                assessed_on=form.cleaned_data["assessed_on"],
                ratings=form.ratings(),
                notes=form.notes(),
                summary=form.cleaned_data["summary"],
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("households:detail", pk=pk)
    return render(
        request,
        "households/assessment_form.html",
        {"form": form, "household": household, "domains": NeedDomain.choices},
    )


def survey_new(request, pk: int):
    household = _household(request, pk, edit=True)
    form = forms.SurveyForm(request.POST or None, request.FILES or None, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            k: data[k]
            for k in (
                "appliances",
                "vehicles",
                "needs_observed",
                "household_confirmed",
                "confirmed_by_name",
                "notes",
                "follow_up_on",
            )
        }
        try:
            services.survey_record(
                actor=request.user,
                household=household,
                visited_on=data["visited_on"],
                present=list(data["present"]),
                housing=data["housing"],
                housing_condition=data["housing_condition"],
                checks=form.checks(),
                photos=data.get("photos") or [],
                **fields,
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("Home visit saved."))
            return redirect(f"{household.get_absolute_url()}?survey_saved=1")
    return render(
        request,
        "households/survey_form.html",
        {"form": form, "household": household},
        status=400 if request.method == "POST" else 200,
    )


def document_upload(request, pk: int):
    household = _household(request, pk, edit=True)
    form = forms.DocumentForm(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_upload(
                actor=request.user,
                household=household,
                kind=data["kind"],
                upload=data["file"],
                member=data["member"],
                note=data["note"],
            )
        except RuleViolation as error:
            forms.apply_violation(form, error)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect("households:detail", pk=pk)
    return render(
        request,
        "households/form.html",
        {"form": form, "household": household, "title": _("Upload a document"), "multipart": True},
    )


def document_download(request, pk: int, document_id: int):
    """Documents are served only here, after the household scope check; never inline."""
    household = _household(request, pk)
    document = get_object_or_404(Document.objects.filter(household=household), pk=document_id)
    try:
        handle = document.file.open("rb")
    except OSError:  # the row without its file (a restore without MEDIA_ROOT): say so, not a 500
        return render(request, "404.html", {"message": missing_file_message()}, status=404)
    audit.record_view(actor=request.user, instance=document, what=_("Document downloaded"), request=request)
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=True,
        filename=f"{household.dossier_no}-{document.kind}-{document.pk}.{EXTENSIONS.get(document.content_type, 'bin')}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
