"""schemathesis over /api/schema/, in-process (WSGI), on the demo data.

Five users fuzz every operation of the schema with a Token: a township officer of 建设街道
(writes), a county user of 南湖区 (county decisions), a caseworker of 建设街道 (field work), a
county finance user of 南湖区 (read-only, funding) and a city user of 嘉兴市 (city-wide reads). Checks: no 5xx and every documented
response matches the schema. Undocumented 403/404 are expected (scope and role refusals), so
status_code_conformance is not run. Each example runs inside a savepoint that is rolled back,
so one example's writes never change what the next one sees.

Bounded for CI: a few derandomized examples per operation (fewer for the read-mostly
roles), no deadline.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jiuzhu.models import User

# Examples per operation, by user: the writers in full; the other roles mostly meet role
# refusals and read-only scopes, so fewer examples keep the run short.
USERS = {"demo-township": 6, "demo-county": 6, "demo-caseworker": 2, "demo-finance": 2, "demo-city": 2}


class Rollback(Exception):
    """Raised inside the savepoint to undo one example's writes."""


def fuzz_operation(operation, headers: dict, tally: dict, examples: int) -> None:
    @hsettings(
        max_examples=examples, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def run(case):
        tally["examples"] += 1
        try:
            with transaction.atomic():
                case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
                raise Rollback
        except Rollback:
            pass

    run()


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request (request_finished);
    inside a test transaction that loses it on PostgreSQL. Django's test client unhooks this
    signal too; done here for schemathesis' own WSGI client."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("username", USERS)
def test_api_answers_every_fuzzed_request_without_server_error_and_per_schema(settings, username, keep_connection):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    headers = {"Authorization": f"Token {token.key}"}
    from jiuzhu.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)
    tally = {"operations": 0, "examples": 0}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tally["operations"] += 1
        try:
            fuzz_operation(operation, headers, tally, USERS[username])
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    print(f"fuzzed {tally['operations']} operations with {tally['examples']} examples as {username}")
    assert failures == [], "\n\n".join(failures)
    assert tally["operations"] >= 20
