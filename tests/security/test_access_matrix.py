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
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from households import access
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
    must be refused (403/404) for it; ``public`` routes answer anonymous users too;
    ``method`` is the request the route is probed with (its real one: a POST-only route is
    probed with a POST carrying an empty body), ``methods`` more than one when it takes both.

    ``allowed`` are the cases that must be let in: a GET gets one of ``ok`` (200 unless said),
    a POST one of 200/302/400 (done, or the form again with its errors), never 403/404.
    With ``allowed`` given, every other signed-in case must be refused (403/404): each cell
    of the row is explicit. Left out (an entry written before it existed), it is derived from
    the entry's own data: the administrator (and anonymous users on a public route) must be
    let in, ``hidden_from`` refused, and the remaining cases only answer without a 5xx.
    """

    obj: str | None = None
    own_lookup: str = "household__township__code"
    hidden_from: set[str] = field(default_factory=lambda: set(OTHER_AREA))
    public: bool = False
    method: str = "get"
    kwargs: dict | None = None
    route: Callable | None = None  # obj -> URL kwargs, when they are not just its pk
    where: dict = field(default_factory=dict)  # extra filter to pick the record
    allowed: set[str] | None = None
    ok: tuple[int, ...] = (200,)  # what an allowed GET gets (302: the route redirects)
    methods: tuple[str, ...] = ()  # default: (method,)
    post_allowed: set[str] | None = None  # who may POST, when fewer than may GET (default: allowed)
    data: dict = field(default_factory=dict)  # the POST body (default: empty)

    def __post_init__(self):
        self.explicit = self.allowed is not None
        if self.allowed is None:
            self.allowed = {"admin"} | ({"anonymous"} if self.public else set())
            self.allowed -= set(self.hidden_from)
        self.allowed = set(self.allowed)
        self.post_allowed = set(self.allowed if self.post_allowed is None else self.post_allowed)
        self.methods = tuple(self.methods) or (self.method,)
        assert not self.allowed & set(self.hidden_from), f"both allowed and hidden: {self.allowed & self.hidden_from}"

    def allows(self, case: str, method: str) -> bool:
        return case in (self.allowed if method == "get" else self.post_allowed)

    def refuses(self, case: str, method: str) -> bool:
        """With ``allowed`` given, every signed-in case not let in must be refused (403/404)."""
        return case in self.hidden_from or (self.explicit and case != "anonymous" and not self.allows(case, method))


HOUSEHOLD_FILE = {"finance_own", "finance_other", "city_finance"} | OTHER_AREA
AREA_RECORD = OTHER_AREA | {"finance_other"}
# A roster export (its page, progress and file) is its creator's (township_own here) and the
# administrators': every other user, of the same township or not, is refused.
NOT_THE_CREATOR = set(CASES) - {"township_own", "admin"}


def household_page(**extra) -> Entry:
    return Entry(obj="households.Household", own_lookup="township__code", hidden_from=HOUSEHOLD_FILE, **extra)


def member_page(**extra) -> Entry:
    return Entry(
        obj="households.Member",
        hidden_from=HOUSEHOLD_FILE,
        route=lambda m: {"pk": m.household_id, "member_id": m.pk},
        **extra,
    )


def open_page(**extra) -> Entry:
    """A page of no particular record: other areas may open it, the scope decides what it lists."""
    return Entry(hidden_from=set(), **extra)


def area_page(model: str, lookup: str = "township__code", **extra) -> Entry:
    return Entry(obj=model, own_lookup=lookup, hidden_from=AREA_RECORD, **extra)


def file_page(model: str, lookup: str = "household__township__code", **extra) -> Entry:
    return Entry(obj=model, own_lookup=lookup, hidden_from=HOUSEHOLD_FILE, **extra)


# Who is let in, by case (own/other area; "_all": both areas).
SIGNED_IN = set(CASES) - {"anonymous"}
EVERYONE = set(CASES)
FINANCE = {"finance_own", "finance_other", "city_finance"}
NOT_FINANCE = SIGNED_IN - FINANCE


def may(action: access.Action, *, anywhere: bool = False) -> set[str]:
    """The cases whose role households.access lets take ``action``: the table the views,
    API and services ask is the table this matrix checks. Not ``anywhere``: only those of
    the record's own area (the scope refuses the others)."""
    cases = {case for case, spec in CASES.items() if spec is not None and spec[0] in access.ROLES[action]}
    return cases if anywhere else cases - OTHER_AREA - {"finance_other"}


FIELD = may(access.Action.EDIT_DOSSIER)  # the own township's field roles
FIELD_ALL = may(access.Action.EDIT_DOSSIER, anywhere=True)
WRITE_ALL = may(access.Action.SEARCH_HOUSEHOLDS, anywhere=True)  # field roles and county civil affairs
OFFICERS = may(access.Action.CONFIRM_REVIEW)
READERS = {"caseworker_own", "township_own", "county_own", "city", "admin"}  # civil affairs above the record
STAFF_READ = {"county_own", "county_other", "city", "finance_own", "finance_other", "city_finance", "admin"}
COUNTY = {"county_own", "admin"}
FORM = ("get", "post")  # a form page: shown (GET) and posted empty (the form again with its errors)

# Pages and non-router API paths. Router routes (viewsets) are covered automatically below.
MATRIX: dict[str, Entry] = {
    "home": Entry(hidden_from=set(), allowed=SIGNED_IN),
    "login": Entry(public=True, hidden_from=set(), allowed=EVERYONE, ok=(200, 302)),  # signed in: sent on
    "logout": Entry(public=True, hidden_from=set(), method="post", allowed=EVERYONE),
    "password_change": Entry(hidden_from=set(), allowed=SIGNED_IN, methods=FORM),
    "password_change_done": Entry(hidden_from=set(), allowed=SIGNED_IN),
    "healthz": Entry(public=True, hidden_from=set(), allowed=EVERYONE),
    "set_language": Entry(public=True, hidden_from=set(), method="post", allowed=EVERYONE),
    "api:me": Entry(hidden_from=set(), allowed=SIGNED_IN),
    "api:token": Entry(public=True, hidden_from=set(), method="post", allowed=EVERYONE),
    "api:schema": Entry(hidden_from=set(), allowed=SIGNED_IN),
    "api:docs": Entry(hidden_from=set(), allowed=SIGNED_IN),
    "api:api-root": Entry(hidden_from=set(), allowed=SIGNED_IN),
    "households:list": open_page(allowed=NOT_FINANCE),
    "households:detail": household_page(allowed=READERS),
    "households:print": household_page(allowed=READERS),
    "households:audit": household_page(allowed=READERS),
    "households:create": open_page(allowed=FIELD_ALL, methods=FORM),
    "households:export": open_page(method="post", allowed=NOT_FINANCE),
    "households:export_job": Entry(
        obj="households.ExportJob",
        own_lookup="area__code",
        hidden_from=NOT_THE_CREATOR,
        route=lambda job: {"job_id": job.pk},
        allowed={"township_own", "admin"},
    ),
    "households:export_status": Entry(
        obj="households.ExportJob",
        own_lookup="area__code",
        hidden_from=NOT_THE_CREATOR,
        route=lambda job: {"job_id": job.pk},
        allowed={"township_own", "admin"},
    ),
    "households:export_download": Entry(
        obj="households.ExportJob",
        own_lookup="area__code",
        hidden_from=NOT_THE_CREATOR,
        route=lambda job: {"job_id": job.pk},
        allowed={"township_own", "admin"},
    ),
    "households:import": open_page(allowed=FIELD_ALL, methods=FORM),
    "households:import_template": open_page(allowed=SIGNED_IN),
    # An import's progress is its creator's only (administrators included: they did not start it).
    "households:import_status": Entry(
        obj="households.ImportJob",
        own_lookup="township__code",
        hidden_from=HOUSEHOLD_FILE,
        route=lambda job: {"job_id": job.pk},
        allowed={"township_own"},
    ),
    "households:edit": household_page(allowed=FIELD, methods=FORM),
    "households:status": household_page(allowed=may(access.Action.SET_STATUS), methods=FORM),
    "households:member_add": household_page(allowed=FIELD, methods=FORM),
    "households:member_edit": member_page(allowed=FIELD, methods=FORM),
    "households:member_move": member_page(allowed=FIELD, methods=FORM),
    "households:member_leave": member_page(allowed=FIELD, methods=FORM),
    "households:member_id_number": member_page(method="post", allowed=READERS),  # the full number, audited
    "households:verification_new": household_page(allowed=FIELD, methods=FORM),
    "households:assessment_new": household_page(allowed=FIELD, methods=FORM),
    "households:survey_new": household_page(allowed=FIELD, methods=FORM),
    "households:document_upload": household_page(allowed=FIELD, methods=FORM),
    "households:document": file_page(
        "households.Document", route=lambda d: {"pk": d.household_id, "document_id": d.pk}, allowed=READERS
    ),
    "households:application_list": open_page(allowed=SIGNED_IN),
    "households:application_due": open_page(allowed=SIGNED_IN),
    "households:application_create": open_page(allowed=FIELD_ALL, methods=FORM),
    "households:application_detail": file_page("households.Application", allowed=READERS),
    "households:application_step": file_page(
        "households.Application", route=lambda a: {"pk": a.pk, "step": "submit"}, method="post", allowed=FIELD
    ),
    # The notice sheet exists once the public notice has started.
    "households:application_print": file_page(
        "households.Application",
        route=lambda a: {"pk": a.pk, "kind": "notice"},
        where={"notice_start__isnull": False},
        allowed=READERS,
    ),
    "households:review_task_list": open_page(allowed=SIGNED_IN),
    "households:review_task_detail": file_page(
        "households.ReviewTask", allowed=READERS, methods=FORM, post_allowed=FIELD
    ),
    "households:review_confirm_queue": open_page(allowed=may(access.Action.CONFIRM_REVIEW, anywhere=True)),
    "households:review_decide": file_page("households.ReviewRecord", method="post", allowed=OFFICERS),
    "households:review_run_list": open_page(allowed=may(access.Action.SEE_REVIEW_RUNS, anywhere=True)),
    "households:change_report_list": open_page(allowed=SIGNED_IN),
    "households:change_report_create": open_page(allowed=may(access.Action.REPORT_CHANGE, anywhere=True), methods=FORM),
    "households:plan_list": open_page(allowed=SIGNED_IN),
    "households:plan_new": open_page(allowed=may(access.Action.WRITE_PLAN, anywhere=True), methods=FORM),
    "households:plan_detail": file_page("households.Plan", allowed=READERS),
    "households:plan_edit": file_page("households.Plan", method="post", allowed=FIELD),
    "households:plan_action_add": file_page("households.Plan", method="post", allowed=FIELD),
    "households:plan_action_step": file_page(
        "households.PlanAction",
        "plan__household__township__code",
        method="post",
        allowed=FIELD,
        data={"status": "done"},
    ),
    "households:plan_activate": file_page("households.Plan", method="post", allowed=FIELD),
    "households:plan_review_add": file_page("households.Plan", method="post", allowed=FIELD),
    "households:plan_close": file_page("households.Plan", method="post", allowed=FIELD),
    "caseworkers:home": open_page(allowed=SIGNED_IN, ok=(302,)),  # sends each role to its first page
    "caseworkers:tasks": open_page(allowed=SIGNED_IN),
    "households:search": open_page(allowed=WRITE_ALL),  # those who fill the forms it serves
    "caseworkers:summary": open_page(allowed=NOT_FINANCE),
    "caseworkers:resource_list": open_page(allowed=SIGNED_IN),
    "caseworkers:resource_new": open_page(allowed=WRITE_ALL, methods=FORM),
    "caseworkers:resource_detail": area_page(
        "caseworkers.Resource", "area__code", allowed=READERS | {"finance_own", "city_finance"}
    ),
    "caseworkers:referral_list": open_page(allowed=SIGNED_IN),
    "caseworkers:referral_new": open_page(allowed=FIELD_ALL, methods=FORM),
    "caseworkers:referral_detail": file_page("caseworkers.Referral", allowed=READERS),
    "caseworkers:referral_step": file_page("caseworkers.Referral", method="post", allowed=FIELD),
    "caseworkers:service_list": open_page(allowed=SIGNED_IN),
    "caseworkers:service_new": open_page(allowed=FIELD_ALL, methods=FORM),
    "caseworkers:service_detail": area_page("caseworkers.ServiceRecord", allowed=READERS),
    "caseworkers:service_followed_up": area_page("caseworkers.ServiceRecord", method="post", allowed=FIELD),
    "caseworkers:publicity_list": open_page(allowed=SIGNED_IN),
    "caseworkers:publicity_new": open_page(allowed=FIELD_ALL, methods=FORM),
    "caseworkers:publicity_detail": area_page("caseworkers.PublicityActivity", allowed=READERS),
    "caseworkers:feedback_list": open_page(allowed=SIGNED_IN),
    "caseworkers:feedback_new": open_page(allowed=WRITE_ALL, methods=FORM),
    "caseworkers:feedback_detail": area_page("caseworkers.PolicyFeedback", allowed=READERS),
    "caseworkers:feedback_respond": area_page(
        "caseworkers.PolicyFeedback", method="post", allowed={"county_own", "city", "admin"}
    ),
    "caseworkers:volunteer_list": open_page(allowed=SIGNED_IN),
    "caseworkers:volunteer_new": open_page(allowed=WRITE_ALL, methods=FORM),
    "caseworkers:organization_new": open_page(allowed=WRITE_ALL, methods=FORM),
    "caseworkers:volunteer_detail": area_page(
        "caseworkers.Volunteer", allowed=READERS, methods=FORM, post_allowed=READERS - {"city"}
    ),
    "caseworkers:assignment_done": area_page(
        "caseworkers.VolunteerAssignment", "volunteer__township__code", method="post", allowed=FIELD | {"county_own"}
    ),
    "caseworkers:training_list": open_page(allowed=SIGNED_IN),
    "caseworkers:training_new": open_page(allowed=WRITE_ALL, methods=FORM),
    "caseworkers:training_detail": area_page("caseworkers.Training", allowed=READERS),
    "caseworkers:case_list": open_page(allowed=SIGNED_IN),
    "caseworkers:case_new": open_page(allowed=FIELD_ALL, methods=FORM),
    # Approved typical cases are readable by every user (the exchange platform): probe a draft.
    "caseworkers:case_detail": area_page(
        "caseworkers.TypicalCase", where={"approved_by__isnull": True}, allowed=READERS
    ),
    # Submitting a draft is its author's own step (caseworker_own wrote the probed draft).
    "caseworkers:case_step": area_page(
        "caseworkers.TypicalCase",
        where={"approved_by__isnull": True, "created_by__username": "matrix-caseworker_own"},
        method="post",
        allowed={"caseworker_own"},
    ),
    "caseworkers:case_edit": area_page(
        "caseworkers.TypicalCase",
        where={"approved_by__isnull": True, "created_by__username": "matrix-caseworker_own"},
        allowed={"caseworker_own"},
        methods=FORM,
    ),
    "staffing:board": open_page(allowed=STAFF_READ),
    "staffing:recruitment_check": open_page(allowed=SIGNED_IN),
    "staffing:funding": open_page(allowed=STAFF_READ),
    "staffing:transfer_sheet": open_page(allowed=STAFF_READ),
    "staffing:caseworkers": open_page(allowed=SIGNED_IN),
    "staffing:caseworker_new": open_page(allowed={"county_own", "county_other", "admin"}, methods=FORM),
    "staffing:caseworker": area_page(
        "staffing.Caseworker", allowed={"township_own", "county_own", "city", "finance_own", "city_finance", "admin"}
    ),
    "staffing:caseworker_edit": area_page("staffing.Caseworker", allowed=COUNTY, methods=FORM),
    "staffing:caseworker_status": area_page("staffing.Caseworker", method="post", allowed=COUNTY),
    "staffing:caseworker_id_number": area_page("staffing.Caseworker", method="post", allowed=COUNTY),
    "staffing:caseworker_post": area_page("staffing.Caseworker", allowed=COUNTY, methods=FORM),
    "staffing:list": open_page(
        kwargs={"slug": "transfers"}, allowed=SIGNED_IN - {"caseworker_own", "caseworker_other"}
    ),
    "staffing:create": open_page(kwargs={"slug": "transfers"}, allowed=FINANCE | {"admin"}, methods=FORM),
    "staffing:edit": area_page(
        "staffing.ServiceContract", route=lambda c: {"slug": "contracts", "pk": c.pk}, allowed=COUNTY, methods=FORM
    ),
    "dashboards:index": open_page(allowed=SIGNED_IN),
    # Policy rows and working-day overrides belong to a county (the own township's, 南湖区).
    "parameters:policy_list": open_page(allowed=STAFF_READ),
    "parameters:policy_create": open_page(allowed={"city", "admin"}, methods=FORM),
    "parameters:policy_edit": Entry(
        obj="jiuzhu.PolicyParameters",
        own_lookup="area__children__code",
        hidden_from={"county_other", "finance_other"},
        allowed={"county_own", "city", "finance_own", "city_finance", "admin"},
        methods=FORM,
        post_allowed={"city", "admin"},
    ),
    "households:workday_list": open_page(allowed=may(access.Action.READ_CALENDAR, anywhere=True)),
    "households:workday_create": open_page(allowed=may(access.Action.EDIT_CALENDAR, anywhere=True), methods=FORM),
    "households:workday_edit": Entry(
        obj="households.WorkdayOverride",
        own_lookup="county__children__code",
        hidden_from={"county_other"},
        allowed=may(access.Action.EDIT_CALENDAR, anywhere=True),
        methods=FORM,
    ),
    "households:workday_withdraw": Entry(
        obj="households.WorkdayOverride",
        own_lookup="county__children__code",
        hidden_from={"county_other"},
        allowed=may(access.Action.EDIT_CALENDAR, anywhere=True),
        method="post",
    ),
    "api:staffing-recruitment-check": open_page(method="post", allowed=SIGNED_IN),
    "api:staffing-transfer-sheet": open_page(allowed=STAFF_READ, ok=(400,)),  # no year given: a 400 that names it
    "api:dashboard": open_page(allowed=SIGNED_IN),
    "api:task-list": open_page(allowed=SIGNED_IN),
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
            f"matrix-{case}",
            password="Matrix-pass-2026",
            role=role,
            area=Area.objects.get(code=code) if code else None,
            is_superuser=role == Role.ADMIN,
            is_staff=role == Role.ADMIN,
        )
    # Records the demo data does not make: an import job and a roster export of the own township.
    from households.models import ImportJob, ImportJobStatus

    ImportJob.objects.create(
        original_name="户籍名单.xlsx",
        township=Area.objects.get(code=OWN_TOWNSHIP),
        status=ImportJobStatus.DONE,
        created_by=users["township_own"],
    )
    from django.core.files.base import ContentFile

    from households.models import ExportJob

    export = ExportJob.objects.create(
        area=Area.objects.get(code=OWN_TOWNSHIP),
        status=ImportJobStatus.DONE,
        created_by=users["township_own"],
        total_rows=1,
        done_rows=1,
    )
    export.file.save("roster.xlsx", ContentFile(b"PK\x03\x04"))
    from households.models import ReviewRecord, ReviewTask

    task = ReviewTask.objects.filter(household__township__code=OWN_TOWNSHIP).order_by("pk").first()
    ReviewRecord.objects.create(
        task=task,
        household=task.household,
        visited_on=task.created_on,
        outcome="keep",
        recorded_by=users["caseworker_own"],
    )
    from datetime import date
    from decimal import Decimal

    from households.models import WorkdayOverride
    from jiuzhu.models import PolicyParameters

    nanhu = Area.objects.get(code="330402")
    PolicyParameters.objects.create(area=nanhu, year=2026, dibao_standard=Decimal("1256.00"))
    WorkdayOverride.objects.create(date=date(2026, 10, 10), county=nanhu, is_workday=True, note="补班")
    from caseworkers import services as caseworker_services

    caseworker_services.case_create(
        actor=users["caseworker_own"], title="一户一策帮扶纪实", domain="living", body="（已匿名）"
    )
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
def test_every_route_lets_its_users_in_and_keeps_other_areas_out(world):
    failures: list[str] = []
    routes = [r for r in named_routes() if not r[0].startswith(SKIPPED_NAMESPACES)]
    unlisted = [name for name, _p, cb in routes if name not in MATRIX and viewset_of(cb) is None]
    assert unlisted == [], f"routes without an access-matrix entry: {unlisted}"
    tally = {"routes": len(routes), "probes": 0, "explicit": 0, "writes": 0}
    for name, pattern, callback in routes:
        viewset = viewset_of(callback)
        if viewset is not None and name not in MATRIX:
            probe_viewset_route(name, pattern, viewset, world, failures, tally)
        else:
            probe_entry(name, pattern, MATRIX[name], world, failures, tally)
    print(
        f"access matrix: {tally['routes']} routes x {len(CASES)} cases: {tally['probes']} probes "
        f"({tally['explicit']} with an explicit expectation), {tally['writes']} API writes on another's record"
    )
    assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures)
    assert tally["probes"] >= len(routes) * len(CASES)


REFUSED = (403, 404)
POST_OK = (200, 302, 400)


def expect(
    name: str,
    case: str,
    status: int,
    *,
    method: str = "get",
    hidden: bool,
    public: bool,
    api: bool,
    failures: list[str],
    allowed: bool = False,
    ok: tuple[int, ...] = (200,),
) -> None:
    label = f"{name} {method.upper()}: {case} got {status}"
    if status >= 500:
        failures.append(label)
    elif case == "anonymous" and not public:
        if status not in ((401, 403) if api else (302,)):
            failures.append(f"{label} (anonymous must be refused)")
    elif hidden:
        if status not in REFUSED:
            failures.append(f"{label} for another area's record (must be 403/404)")
    elif allowed:
        wanted = POST_OK if method != "get" else ok
        if status not in wanted:
            failures.append(f"{label} (must be let in: {'/'.join(map(str, wanted))})")


def probe(client, method: str, url: str, data: dict | None = None):
    """One request, undone afterwards: an allowed POST may change the record, the next probe
    must see the world as it was."""
    with transaction.atomic():
        response = client.get(url) if method == "get" else getattr(client, method)(url, data or {})
        transaction.set_rollback(True)
    return response


def probe_entry(name, pattern, entry: Entry, users, failures, tally) -> None:
    obj = own_object(entry.obj, entry.own_lookup, entry.where) if entry.obj else None
    kwargs = entry.kwargs or (entry.route(obj) if entry.route else route_kwargs(pattern, obj))
    url = reverse(name, kwargs=kwargs)
    for method in entry.methods:
        for case in CASES:
            response = probe(client_for(users, case), method, url, entry.data)
            expect(
                name,
                case,
                response.status_code,
                method=method,
                hidden=entry.refuses(case, method),
                public=entry.public,
                api=name.startswith("api:"),
                failures=failures,
                allowed=entry.allows(case, method),
                ok=entry.ok,
            )
            tally["probes"] += 1
            tally["explicit"] += entry.explicit or case == "anonymous" or case in entry.hidden_from


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
OWN_LOOKUPS = (
    "township__code",
    "household__township__code",
    "area__code",
    "caseworker__township__code",
    "task__household__township__code",
    "plan__household__township__code",
    "code",
)
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


def probe_viewset_route(name, pattern, viewset, users, failures, tally) -> None:
    """A viewset route: its own-area record is found through the viewset's own scope.

    Read pass: GET by every case (a detail of a record outside the user's scope: 403/404; a
    list never shows it). Write pass, on a detail or a record's action: PATCH, PUT, DELETE
    (detail) or POST (action) by every case whose scope does not hold the record: refused
    (403/404, or 405 where the route takes no such write), and the record is unchanged."""
    owner = next(
        (
            users[c]
            for c in ("caseworker_own", "township_own", "county_own", "finance_own")
            if scope_of(viewset, users[c]).exists()
        ),
        None,
    )
    sample = own_sample(scope_of(viewset, owner), name) if owner else None
    detail = name.endswith("-detail") or bool(route_kwargs(pattern, sample) if sample else False)
    if detail and sample is None:
        failures.append(f"{name}: no record in the demo data to probe")
        return
    url = reverse(name, kwargs=route_kwargs(pattern, sample) if detail else None)
    # A record's action is probed with its own method(s) only (a GET would be a 405 for all).
    actions = set(getattr(pattern.callback, "actions", {}) or {"get": None})
    reads = "get" in actions
    writes = (
        ("patch", "put", "delete")
        if name.endswith("-detail")
        else tuple(sorted(actions - {"get", "head", "options"}))
        if detail
        else ()
    )
    for case in CASES:
        user = users.get(case)
        visible = user is not None and sample is not None and scope_of(viewset, user).filter(pk=sample.pk).exists()
        response = (
            probe(client_for(users, case), "get", url + ("?page_size=200" if not detail else "")) if reads else None
        )
        if response is not None:
            tally["probes"] += 1
            expect(
                name,
                case,
                response.status_code,
                hidden=detail and not visible,
                public=False,
                api=True,
                failures=failures,
            )
        if response is not None and not detail and response.status_code == 200 and sample is not None and not visible:
            body = response.json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            if isinstance(rows, list) and any(isinstance(r, dict) and r.get("id") == sample.pk for r in rows):
                failures.append(f"{name}: {case} sees another area's record {sample.pk} in the list")
        # Writes: a detail's PATCH/PUT/DELETE by those who may not see the record; a record's
        # action by everyone (its own area: any answer but a 5xx; the rest refused).
        if detail and (not visible or not name.endswith("-detail")):
            for method in writes:
                write_probe(name, case, method, url, sample, users, failures, refused=not visible)
                tally["probes"] += 1
                tally["writes"] += not visible
        if name in SHARED_BY_DESIGN:
            continue
        if (
            case in OTHER_AREA
            and sample is not None
            and visible
            and owner is not None
            and owner.area_id != user.area_id
        ):
            if not user.is_superuser and user.area and user.area.level != "city":
                failures.append(f"{name}: {case}'s scope includes a record of {OWN_TOWNSHIP}")


def write_probe(name, case, method, url, sample, users, failures, *, refused: bool) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    if case != "anonymous":
        client.force_authenticate(users[case])
    model = type(sample)
    before = list(model._base_manager.filter(pk=sample.pk).values())
    with transaction.atomic():
        response = getattr(client, method)(url, {}, format="json")
        after = list(model._base_manager.filter(pk=sample.pk).values())
        transaction.set_rollback(True)
    status = response.status_code
    if status >= 500:
        failures.append(f"{name} {method.upper()}: {case} got {status}")
    if not refused:
        return
    wanted = (401, 403, 405) if case == "anonymous" else (403, 404, 405)
    if status not in wanted:
        failures.append(f"{name} {method.upper()}: {case} got {status} on another area's record (must be 403/404)")
    if after != before:
        failures.append(f"{name} {method.upper()}: {case} changed another area's record {sample.pk}")


@pytest.mark.django_db
def test_admin_is_staff_only(world):
    for case in CASES:
        status = client_for(world, case).get("/admin/").status_code
        assert status == (200 if case == "admin" else 302), (case, status)
