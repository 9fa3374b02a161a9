"""The access matrix: every page and API route × every role × own area / other area.

Built from the URL conf, so a new URL without an entry here fails the test. The world is
the demo data (建设街道 in 南湖区 is "own", 新城街道 in 秀洲区 is "other"). For every route:
- anonymous users are sent to the login page (pages) or refused (API);
- a record of 建设街道 is never shown (200) to a user of another township or county, nor to
  a role that has no business with it;
- API lists never contain another area's record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jiuzhu.models import Area, Role, User

OWN_TOWNSHIP, OTHER_TOWNSHIP = "330402007", "330411002"
CASES = {
    # case: (role, area code); None = anonymous
    "anonymous": None,
    "caseworker_own": (Role.CASEWORKER, OWN_TOWNSHIP),
    "caseworker_other": (Role.CASEWORKER, OTHER_TOWNSHIP),
    "township_own": (Role.TOWNSHIP_OFFICER, OWN_TOWNSHIP),
    "township_other": (Role.TOWNSHIP_OFFICER, OTHER_TOWNSHIP),
    "county_own": (Role.COUNTY_CIVIL, "330402"),
    "county_other": (Role.COUNTY_CIVIL, "330411"),
    "city": (Role.CITY_CIVIL, "330400"),
    "finance_own": (Role.COUNTY_FINANCE, "330402"),
    "finance_other": (Role.COUNTY_FINANCE, "330411"),
    "city_finance": (Role.CITY_FINANCE, "330400"),
    "admin": (Role.ADMIN, None),
}
OTHER_AREA = {"caseworker_other", "township_other", "county_other"}


@dataclass
class Entry:
    """How to test one named route.

    ``obj`` names the model whose own-area record fills the route's ``pk`` (found through
    ``own_lookup``, a path to the record's township); ``hidden_from`` are the cases that
    must never get a 200 for it; ``public`` routes answer anonymous users too; ``method``
    is the one request the route is probed with.
    """

    obj: str | None = None
    own_lookup: str = "household__township__code"
    hidden_from: set[str] = field(default_factory=lambda: set(OTHER_AREA))
    public: bool = False
    method: str = "get"
    kwargs: dict | None = None
    route: Callable | None = None  # obj -> URL kwargs, when they are not just its pk
    where: dict = field(default_factory=dict)  # extra filter to pick the record


HOUSEHOLD_FILE = {"finance_own", "finance_other", "city_finance"} | OTHER_AREA
AREA_RECORD = OTHER_AREA | {"finance_other"}
# A roster export (its page, progress and file) is its creator's (township_own here) and the
# administrators': every other user, of the same township or not, is refused.
NOT_THE_CREATOR = set(CASES) - {"township_own", "admin"}


def household_page(**extra) -> Entry:
    return Entry(obj="households.Household", own_lookup="township__code", hidden_from=HOUSEHOLD_FILE, **extra)


def member_page() -> Entry:
    return Entry(obj="households.Member", hidden_from=HOUSEHOLD_FILE,
                 route=lambda m: {"pk": m.household_id, "member_id": m.pk})


def open_page(**extra) -> Entry:
    """A page of no particular record: other areas may open it, the scope decides what it lists."""
    return Entry(hidden_from=set(), **extra)


def area_page(model: str, lookup: str = "township__code", **extra) -> Entry:
    return Entry(obj=model, own_lookup=lookup, hidden_from=AREA_RECORD, **extra)


def file_page(model: str, lookup: str = "household__township__code", **extra) -> Entry:
    return Entry(obj=model, own_lookup=lookup, hidden_from=HOUSEHOLD_FILE, **extra)

# Pages and non-router API paths. Router routes (viewsets) are covered automatically below.
MATRIX: dict[str, Entry] = {
    "home": Entry(hidden_from=set()),
    "login": Entry(public=True, hidden_from=set()),
    "logout": Entry(public=True, hidden_from=set(), method="post"),
    "password_change": Entry(hidden_from=set()),
    "password_change_done": Entry(hidden_from=set()),
    "healthz": Entry(public=True, hidden_from=set()),
    "set_language": Entry(public=True, hidden_from=set(), method="post"),
    "api:me": Entry(hidden_from=set()),
    "api:token": Entry(public=True, hidden_from=set(), method="post"),
    "api:schema": Entry(hidden_from=set()),
    "api:docs": Entry(hidden_from=set()),
    "api:api-root": Entry(hidden_from=set()),
    "households:list": open_page(),
    "households:detail": household_page(),
    "households:create": open_page(),
    "households:export": open_page(method="post"),
    "households:export_job": Entry(obj="households.ExportJob", own_lookup="area__code", hidden_from=NOT_THE_CREATOR,
                                   route=lambda job: {"job_id": job.pk}),
    "households:export_status": Entry(obj="households.ExportJob", own_lookup="area__code", hidden_from=NOT_THE_CREATOR,
                                      route=lambda job: {"job_id": job.pk}),
    "households:export_download": Entry(obj="households.ExportJob", own_lookup="area__code",
                                        hidden_from=NOT_THE_CREATOR, route=lambda job: {"job_id": job.pk}),
    "households:import": open_page(),
    "households:import_template": open_page(),
    "households:import_status": Entry(obj="households.ImportJob", own_lookup="township__code", hidden_from=HOUSEHOLD_FILE,
                                      route=lambda job: {"job_id": job.pk}),
    "households:edit": household_page(),
    "households:member_add": household_page(),
    "households:member_edit": member_page(),
    "households:member_move": member_page(),
    "households:member_id_number": member_page(),
    "households:verification_new": household_page(),
    "households:assessment_new": household_page(),
    "households:survey_new": household_page(),
    "households:document_upload": household_page(),
    "households:document": file_page("households.Document", route=lambda d: {"pk": d.household_id, "document_id": d.pk}),
    "households:application_list": open_page(),
    "households:application_due": open_page(),
    "households:application_create": open_page(),
    "households:application_detail": file_page("households.Application"),
    "households:application_step": file_page("households.Application", route=lambda a: {"pk": a.pk, "step": "submit"}),
    "households:application_print": file_page("households.Application", route=lambda a: {"pk": a.pk, "kind": "notice"}),
    "households:review_task_list": open_page(),
    "households:review_task_detail": file_page("households.ReviewTask"),
    "households:review_confirm_queue": open_page(),
    "households:review_decide": file_page("households.ReviewRecord"),
    "households:review_run_list": open_page(),
    "households:change_report_list": open_page(),
    "households:change_report_create": open_page(),
    "households:plan_list": open_page(),
    "households:plan_new": open_page(),
    "households:plan_detail": file_page("households.Plan"),
    "households:plan_edit": file_page("households.Plan"),
    "households:plan_action_add": file_page("households.Plan"),
    "households:plan_action_step": file_page("households.PlanAction", "plan__household__township__code"),
    "households:plan_activate": file_page("households.Plan"),
    "households:plan_review_add": file_page("households.Plan"),
    "households:plan_close": file_page("households.Plan"),
    "caseworkers:home": open_page(),
    "caseworkers:tasks": open_page(),
    "caseworkers:summary": open_page(),
    "caseworkers:household_search": open_page(),
    "caseworkers:resource_list": open_page(),
    "caseworkers:resource_new": open_page(),
    "caseworkers:resource_detail": area_page("caseworkers.Resource", "area__code"),
    "caseworkers:referral_list": open_page(),
    "caseworkers:referral_new": open_page(),
    "caseworkers:referral_detail": file_page("caseworkers.Referral"),
    "caseworkers:referral_step": file_page("caseworkers.Referral"),
    "caseworkers:service_list": open_page(),
    "caseworkers:service_new": open_page(),
    "caseworkers:service_detail": area_page("caseworkers.ServiceRecord"),
    "caseworkers:service_followed_up": area_page("caseworkers.ServiceRecord"),
    "caseworkers:publicity_list": open_page(),
    "caseworkers:publicity_new": open_page(),
    "caseworkers:publicity_detail": area_page("caseworkers.PublicityActivity"),
    "caseworkers:feedback_list": open_page(),
    "caseworkers:feedback_new": open_page(),
    "caseworkers:feedback_detail": area_page("caseworkers.PolicyFeedback"),
    "caseworkers:feedback_respond": area_page("caseworkers.PolicyFeedback"),
    "caseworkers:volunteer_list": open_page(),
    "caseworkers:volunteer_new": open_page(),
    "caseworkers:organization_new": open_page(),
    "caseworkers:volunteer_detail": area_page("caseworkers.Volunteer"),
    "caseworkers:assignment_done": area_page("caseworkers.VolunteerAssignment", "volunteer__township__code"),
    "caseworkers:training_list": open_page(),
    "caseworkers:training_new": open_page(),
    "caseworkers:training_detail": area_page("caseworkers.Training"),
    "caseworkers:case_list": open_page(),
    "caseworkers:case_new": open_page(),
    # Approved typical cases are readable by every user (the exchange platform): probe a draft.
    "caseworkers:case_detail": area_page("caseworkers.TypicalCase", where={"approved_by__isnull": True}),
    "caseworkers:case_step": area_page("caseworkers.TypicalCase", where={"approved_by__isnull": True}),
    "caseworkers:case_edit": area_page("caseworkers.TypicalCase", where={"approved_by__isnull": True}),
    "staffing:board": open_page(),
    "staffing:recruitment_check": open_page(),
    "staffing:funding": open_page(),
    "staffing:transfer_sheet": open_page(),
    "staffing:caseworkers": open_page(),
    "staffing:caseworker_new": open_page(),
    "staffing:caseworker": area_page("staffing.Caseworker"),
    "staffing:caseworker_edit": area_page("staffing.Caseworker"),
    "staffing:caseworker_status": area_page("staffing.Caseworker"),
    "staffing:caseworker_id_number": area_page("staffing.Caseworker"),
    "staffing:list": open_page(kwargs={"slug": "transfers"}),
    "staffing:create": open_page(kwargs={"slug": "transfers"}),
    "staffing:edit": area_page("staffing.ServiceContract", route=lambda c: {"slug": "contracts", "pk": c.pk}),
    "dashboards:index": open_page(),
    "api:staffing-recruitment-check": open_page(),
    "api:staffing-transfer-sheet": open_page(),
    "api:dashboard": open_page(),
    "api:task-list": open_page(),
}
SKIPPED_NAMESPACES = ("admin:",)  # the admin is staff-only; covered by test_admin_is_staff_only


def named_routes(resolver=None, namespace=""):
    """(name, pattern, callback) for every named route, format-suffix duplicates dropped."""
    resolver = resolver or get_resolver()
    seen = set()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = f"{namespace}{item.namespace}:" if item.namespace else namespace
            for found in named_routes(item, inner):
                if found[0] not in seen:
                    seen.add(found[0])
                    yield found
        elif isinstance(item, URLPattern) and item.name:
            name = f"{namespace}{item.name}"
            if name not in seen and "format" not in str(item.pattern):
                seen.add(name)
                yield name, item, item.callback


def viewset_of(callback):
    cls = getattr(callback, "cls", None)
    return cls if cls is not None and hasattr(cls, "scoped_queryset") else None


@pytest.fixture
def world(django_db_blocker, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    users = {}
    for case, spec in CASES.items():
        if spec is None:
            continue
        role, code = spec
        users[case] = User.objects.create_user(
            f"matrix-{case}", password="Matrix-pass-2026", role=role,
            area=Area.objects.get(code=code) if code else None, is_superuser=role == Role.ADMIN, is_staff=role == Role.ADMIN)
    # Records the demo data does not make: an import job and a roster export of the own township.
    from households.models import ImportJob, ImportJobStatus

    ImportJob.objects.create(original_name="户籍名单.xlsx", township=Area.objects.get(code=OWN_TOWNSHIP),
                             status=ImportJobStatus.DONE, created_by=users["township_own"])
    from django.core.files.base import ContentFile

    from households.models import ExportJob

    export = ExportJob.objects.create(area=Area.objects.get(code=OWN_TOWNSHIP), status=ImportJobStatus.DONE,
                                      created_by=users["township_own"], total_rows=1, done_rows=1)
    export.file.save("roster.xlsx", ContentFile(b"PK\x03\x04"))
    from households.models import ReviewRecord, ReviewTask

    task = ReviewTask.objects.filter(household__township__code=OWN_TOWNSHIP).order_by("pk").first()
    ReviewRecord.objects.create(task=task, household=task.household, visited_on=task.created_on, outcome="keep",
                                recorded_by=users["caseworker_own"])
    from caseworkers import services as caseworker_services

    caseworker_services.case_create(actor=users["caseworker_own"], title="一户一策帮扶纪实", domain="living",
                                    body="（已匿名）")
    return users


def client_for(users, case) -> Client:
    client = Client()
    if case != "anonymous":
        client.force_login(users[case])
    return client


def own_object(model_label: str, lookup: str, where: dict | None = None):
    model = apps.get_model(model_label)
    found = model._base_manager.filter(**{lookup: OWN_TOWNSHIP}, **(where or {})).order_by("pk").first()
    assert found is not None, f"the demo data has no {model_label} in {OWN_TOWNSHIP}: the matrix cannot test it"
    return found


def route_kwargs(pattern, obj) -> dict:
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", str(pattern.pattern))
    keys = [a or b for a, b in names]
    if not keys:
        return {}
    assert obj is not None, f"{pattern.pattern} needs an object"
    return {key: obj.pk for key in keys}


@pytest.mark.django_db
def test_every_route_keeps_other_areas_out(world):
    failures: list[str] = []
    routes = [r for r in named_routes() if not r[0].startswith(SKIPPED_NAMESPACES)]
    unlisted = [name for name, _p, cb in routes if name not in MATRIX and viewset_of(cb) is None]
    assert unlisted == [], f"routes without an access-matrix entry: {unlisted}"
    probes = 0
    for name, pattern, callback in routes:
        viewset = viewset_of(callback)
        if viewset is not None and name not in MATRIX:
            probes += probe_viewset_route(name, pattern, viewset, world, failures)
        else:
            probes += probe_entry(name, pattern, MATRIX[name], world, failures)
    assert failures == [], "\n".join(failures)
    assert probes >= len(routes) * (len(CASES) - 1)


def expect(name: str, case: str, status: int, *, hidden: bool, public: bool, api: bool, failures: list[str]) -> None:
    if case == "anonymous" and not public:
        ok = status in (401, 403) if api else status == 302
        if not ok:
            failures.append(f"{name}: anonymous got {status}")
    elif hidden and status == 200:
        failures.append(f"{name}: {case} got 200 for another area's record")
    elif status >= 500:
        failures.append(f"{name}: {case} got {status}")


def probe_entry(name, pattern, entry: Entry, users, failures) -> int:
    obj = own_object(entry.obj, entry.own_lookup, entry.where) if entry.obj else None
    kwargs = entry.kwargs or (entry.route(obj) if entry.route else route_kwargs(pattern, obj))
    url = reverse(name, kwargs=kwargs)
    for case in CASES:
        response = getattr(client_for(users, case), entry.method)(url)
        expect(name, case, response.status_code, hidden=case in entry.hidden_from, public=entry.public,
               api=name.startswith("api:"), failures=failures)
    return len(CASES)


def scope_of(viewset, user):
    """The viewset's own scoped queryset for ``user``, as it would build it for a list."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    view = viewset()
    view.action, view.kwargs, view.format_kwarg = "list", {}, None
    view.request = Request(APIRequestFactory().get("/"))
    view.request.user = user
    return view.scoped_queryset(user)


# Paths from a record to its township, tried in order to pick a record that belongs to
# the own township (not a city-wide one that every area may read).
OWN_LOOKUPS = ("township__code", "household__township__code", "area__code", "caseworker__township__code",
               "task__household__township__code", "plan__household__township__code", "code")
# Records every area may read by design, with the reason.
SHARED_BY_DESIGN = {
    "api:review-run-list": "the nightly run log holds counts, no personal data",
    "api:review-run-detail": "the nightly run log holds counts, no personal data",
}
# Records of a route that are public by design are left out of the sample.
SAMPLE_FILTER = {"typical-case": {"approved_by__isnull": True}}


def own_sample(queryset, name):
    base = name.split(":")[-1].rsplit("-", 1)[0]
    queryset = queryset.filter(**SAMPLE_FILTER.get(base, {}))
    for lookup in OWN_LOOKUPS:
        try:
            found = queryset.filter(**{lookup: OWN_TOWNSHIP}).order_by("pk").first()
        except Exception:  # noqa: BLE001 - the model has no such path
            continue
        if found is not None:
            return found
    return queryset.order_by("pk").first()


def probe_viewset_route(name, pattern, viewset, users, failures) -> int:
    """A viewset route: its own-area record is found through the viewset's own scope."""
    owner = next((users[c] for c in ("caseworker_own", "township_own", "county_own", "finance_own")
                  if scope_of(viewset, users[c]).exists()), None)
    sample = own_sample(scope_of(viewset, owner), name) if owner else None
    detail = name.endswith("-detail") or bool(route_kwargs(pattern, sample) if sample else False)
    if detail and sample is None:
        failures.append(f"{name}: no record in the demo data to probe")
        return 0
    url = reverse(name, kwargs=route_kwargs(pattern, sample) if detail else None)
    for case in CASES:
        user = users.get(case)
        visible = user is not None and sample is not None and scope_of(viewset, user).filter(pk=sample.pk).exists()
        response = client_for(users, case).get(url + ("?page_size=200" if not detail else ""))
        expect(name, case, response.status_code, hidden=detail and not visible, public=False, api=True, failures=failures)
        if not detail and response.status_code == 200 and sample is not None and not visible:
            body = response.json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            if isinstance(rows, list) and any(isinstance(r, dict) and r.get("id") == sample.pk for r in rows):
                failures.append(f"{name}: {case} sees another area's record {sample.pk} in the list")
        if name in SHARED_BY_DESIGN:
            continue
        if case in OTHER_AREA and sample is not None and visible and owner is not None and owner.area_id != user.area_id:
            if not user.is_superuser and user.area and user.area.level != "city":
                failures.append(f"{name}: {case}'s scope includes a record of {OWN_TOWNSHIP}")
    return len(CASES)


@pytest.mark.django_db
def test_admin_is_staff_only(world):
    for case in CASES:
        status = client_for(world, case).get("/admin/").status_code
        assert status == (200 if case == "admin" else 302), (case, status)
