"""CSRF on every form: a POST without the token is refused (403) on every route of the URL conf.

The routes come from the URL conf (the same walk as the access matrix), so a new page is
covered without an entry here. CSRF is checked before the view runs, so any id fills a
route's parameters. Pages must be refused by Django's CSRF middleware (it logs the reason
on ``django.security.csrf``); API routes by DRF's session authentication ("CSRF Failed").
"""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from jiuzhu.models import Role
from tests.security.test_access_matrix import SKIPPED_NAMESPACES, named_routes

# Routes that take no session-authenticated POST at all: Django/DRF exempt them on purpose.
EXEMPT = {
    "api:token",  # obtain_auth_token: username + password in the body, no session (DRF marks it csrf_exempt)
}


def fill(pattern) -> dict:
    found = re.findall(r"<(?:(\w+):)?(\w+)>", str(pattern.pattern))
    return {name: ("x" if converter in ("slug", "str") else 1) for converter, name in found}


def post_routes():
    for name, pattern, _callback in named_routes():
        if name.startswith(SKIPPED_NAMESPACES) or name in EXEMPT:
            continue
        yield name, reverse(name, kwargs=fill(pattern))


@pytest.mark.django_db
def test_every_route_refuses_a_post_without_the_csrf_token(make, caplog):
    admin = make.user(Role.ADMIN, None, username="csrf-admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    anonymous = Client(enforce_csrf_checks=True)
    routes = list(post_routes())
    missed = []
    for name, url in routes:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
            response = client.post(url, {"anything": "1"})
        if name.startswith("api:"):
            # The Swagger page renders DRF's refusal through its HTML template: "403 Forbidden", no detail.
            refused = response.status_code == 403 and ("CSRF" in response.content.decode() or name == "api:docs")
        else:
            refused = response.status_code == 403 and any("CSRF" in r.getMessage() for r in caplog.records)
        if not refused:
            missed.append(f"{name} {url}: {response.status_code}")
    assert missed == [], "POST accepted without a CSRF token:\n" + "\n".join(missed)
    # The login form too, for an anonymous visitor (a login CSRF would log a victim into our account).
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        assert anonymous.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 403
    assert len(routes) > 100


@pytest.mark.django_db
def test_a_post_with_the_token_passes_the_csrf_check(make):
    """The control: the refusal above is the CSRF check, not the form itself."""
    user = make.user(Role.TOWNSHIP_OFFICER, "330402007", username="csrf-officer")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("households:create"))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    response = client.post(reverse("households:create"), {"csrfmiddlewaretoken": token, "address": ""})
    assert response.status_code == 200  # the form again, with its field errors: past the CSRF check
    assert "errorlist" in response.content.decode() or "error" in response.content.decode()
