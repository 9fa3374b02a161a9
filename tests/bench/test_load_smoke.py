"""A small run of the concurrent load benchmark against the test server, so that it cannot rot:
its logins, its sessions (login form, CSRF, cookies) and every page of its mix must work."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from bench import load

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def load_server(transactional_areas, live_server, settings):
    # As behind the production proxy: the benchmark says the request came over HTTPS.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    call_command("seed_scale", households=60, chunk=60, force=True)
    return live_server.url


def test_each_kind_of_user_logs_in_and_every_page_of_its_mix_answers_200(load_server):
    logins = load.prepare_logins(townships=3, per_township_households=5)
    pages = set()
    for kind in ("caseworker", "township", "county", "city"):
        login = next(login for login in logins if login.kind == kind)

        level = load.run_level(load_server, [login], users=1, seconds=60, max_requests=8)

        assert level["requests"] == 8 and level["error_rate"] == 0.0, (kind, level["pages"])
        pages |= set(level["pages"])
    assert pages == {"household list", "dossier", "my tasks", "search", "survey form", "dashboard"}


# SQLite's in-memory test database, shared by the live server's threads, cannot hold
# concurrent requests; CI runs this on PostgreSQL.
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent sessions need a server database (CI runs PostgreSQL)"
)
def test_many_users_at_once_answer_without_error_and_the_level_stops_at_its_bound(load_server):
    logins = load.prepare_logins(townships=3, per_township_households=5)

    # Users 10 and 20 are the township and the county officer, the others caseworkers.
    level = load.run_level(load_server, logins, users=21, seconds=60, max_requests=150)

    assert level["users"] == 21
    assert 150 <= level["requests"] <= 150 + 21  # bounded: each user stops at its next request
    assert level["error_rate"] == 0.0, level["pages"]
    assert set(level["pages"]) == {"household list", "dossier", "my tasks", "search", "survey form", "dashboard"}
    for page in level["pages"].values():
        assert page["errors"] == 0 and 0 < page["p50_ms"] <= page["p95_ms"] <= page["p99_ms"]


def test_a_wrong_password_stops_the_level_before_it_measures_anything(load_server):
    logins = load.prepare_logins(townships=1, per_township_households=2)
    from jiuzhu.models import User

    User.objects.filter(username=logins[0].username).update(password="!")

    with pytest.raises(RuntimeError, match="could not log in"):
        load.run_level(load_server, logins, users=2, seconds=5, max_requests=10)


def test_the_benchmark_refuses_a_server_that_is_not_on_this_machine():
    with pytest.raises(SystemExit):
        load.main(["--url", "http://10.1.2.3:8000", "--users", "1"])
