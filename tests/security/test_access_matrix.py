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


HOUSEHOLD_FILE = {"finance_own", "finance_other", "city_finance"} | OTHER_AREA

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
    "households:list": Entry(hidden_from=set()),
    "households:detail": Entry(obj="households.Household", own_lookup="township__code", hidden_from=HOUSEHOLD_FILE),
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
    return users


def client_for(users, case) -> Client:
    client = Client()
    if case != "anonymous":
        client.force_login(users[case])
    return client


def own_object(model_label: str, lookup: str):
    model = apps.get_model(model_label)
    found = model._base_manager.filter(**{lookup: OWN_TOWNSHIP}).order_by("pk").first()
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
    obj = own_object(entry.obj, entry.own_lookup) if entry.obj else None
    url = reverse(name, kwargs=entry.kwargs or route_kwargs(pattern, obj))
    for case in CASES:
        response = getattr(client_for(users, case), entry.method)(url)
        expect(name, case, response.status_code, hidden=case in entry.hidden_from, public=entry.public,
               api=name.startswith("api:"), failures=failures)
    return len(CASES)


def probe_viewset_route(name, pattern, viewset, users, failures) -> int:
    """A viewset route: its own-area record is found through the viewset's own scope."""
    owner = next((users[c] for c in ("caseworker_own", "township_own", "county_own", "finance_own", "city")
                  if viewset().scoped_queryset(users[c]).exists()), None)
    sample = viewset().scoped_queryset(owner).order_by("pk").first() if owner else None
    detail = name.endswith("-detail") or bool(route_kwargs(pattern, sample) if sample else False)
    if detail and sample is None:
        failures.append(f"{name}: no record in the demo data to probe")
        return 0
    url = reverse(name, kwargs=route_kwargs(pattern, sample) if detail else None)
    for case in CASES:
        user = users.get(case)
        visible = user is not None and sample is not None and viewset().scoped_queryset(user).filter(pk=sample.pk).exists()
        response = client_for(users, case).get(url + ("?page_size=200" if not detail else ""))
        expect(name, case, response.status_code, hidden=detail and not visible, public=False, api=True, failures=failures)
        if not detail and response.status_code == 200 and sample is not None and not visible:
            body = response.json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            if isinstance(rows, list) and any(isinstance(r, dict) and r.get("id") == sample.pk for r in rows):
                failures.append(f"{name}: {case} sees another area's record {sample.pk} in the list")
        if case in OTHER_AREA and sample is not None and visible and owner is not None and owner.area_id != user.area_id:
            if not user.is_superuser and user.area and user.area.level != "city":
                failures.append(f"{name}: {case}'s scope includes a record of {OWN_TOWNSHIP}")
    return len(CASES)


@pytest.mark.django_db
def test_admin_is_staff_only(world):
    for case in CASES:
        status = client_for(world, case).get("/admin/").status_code
        assert status == (200 if case == "admin" else 302), (case, status)
