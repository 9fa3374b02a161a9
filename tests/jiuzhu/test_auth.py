"""Login, lockout, password rules, session expiry and logout."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from jiuzhu.models import AuditAction, AuditEvent, Role
from tests.clock import NOW
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, username, password, ip="10.1.1.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_public_and_in_chinese(client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_every_other_page_needs_login(client):
    assert client.get("/").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_five_failures_lock_the_account_and_a_sixth_is_refused_even_with_the_right_password(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    for _ in range(5):
        post_login(client, "wang", "wrong-password-1")

    response = post_login(client, "wang", PASSWORD)

    assert response.status_code == 403
    assert "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 5
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_four_failures_do_not_lock(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    for _ in range(4):
        post_login(client, "wang", "wrong-password-1")

    response = post_login(client, "wang", PASSWORD)

    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_name="wang").exists()


def test_lockout_of_one_account_does_not_lock_another_user_from_another_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    make.user(Role.CASEWORKER, "330402007", username="chen")
    for _ in range(5):
        post_login(client, "wang", "wrong-password-1", ip="10.1.1.1")

    response = post_login(client, "chen", PASSWORD, ip="10.2.2.2")

    assert response.status_code == 302


def test_one_persons_five_failures_do_not_stop_a_colleague_at_the_same_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    make.user(Role.CASEWORKER, "330402007", username="chen")
    for _ in range(5):
        post_login(client, "wang", "wrong-password-1", ip="10.9.9.9")

    assert post_login(client, "wang", PASSWORD, ip="10.9.9.9").status_code == 403  # wang is locked
    assert post_login(client, "chen", PASSWORD, ip="10.9.9.9").status_code == 302  # chen is not


def test_an_account_is_locked_by_failures_from_any_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    for n in range(5):
        post_login(client, "wang", "wrong-password-1", ip=f"10.7.7.{n}")

    assert post_login(client, "wang", PASSWORD, ip="10.8.8.8").status_code == 403


def test_retrying_a_locked_account_many_times_does_not_lock_the_office_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    make.user(Role.CASEWORKER, "330402007", username="chen")
    for _ in range(60):
        post_login(client, "wang", "wrong-password-1", ip="10.9.9.9")

    assert post_login(client, "chen", PASSWORD, ip="10.9.9.9").status_code == 302


def spray(client, *, accounts, each, ip, **extra):
    for n in range(accounts):
        for _ in range(each):
            client.post("/login/", {"username": f"guess{n}", "password": "wrong-password-1"}, REMOTE_ADDR=ip, **extra)


def test_fifty_failures_spread_over_ten_accounts_lock_that_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="chen")
    spray(client, accounts=10, each=5, ip="10.9.9.9")

    assert post_login(client, "chen", PASSWORD, ip="10.9.9.9").status_code == 403
    assert post_login(client, "chen", PASSWORD, ip="10.3.3.3").status_code == 302


def test_forty_nine_spread_failures_do_not_lock_the_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="chen")
    spray(client, accounts=7, each=7, ip="10.9.9.9")  # 49 tries, but each account counts 5 at most: 35

    spray(client, accounts=1, each=4, ip="10.9.9.9")  # ... and a few more on an eighth account: 39
    assert post_login(client, "chen", PASSWORD, ip="10.9.9.9").status_code == 302


def test_the_address_threshold_is_configurable(client, make, settings):
    settings.JIUZHU_LOCKOUT_ADDRESS_FAILURES = 10
    make.user(Role.CASEWORKER, "330402007", username="chen")
    spray(client, accounts=2, each=5, ip="10.9.9.9")

    assert post_login(client, "chen", PASSWORD, ip="10.9.9.9").status_code == 403


@pytest.mark.parametrize(
    ("account", "per_account", "locked"),
    [
        (4, [4, 4, 4], False),  # nobody at the account limit, 12 at the address
        (5, [5], True),  # the account limit includes the number itself
        (0, [5] * 10, True),  # ten accounts at their limit: 50 at the address
        (0, [5] * 9 + [4], False),  # 49
        (0, [60], False),  # one account retried 60 times counts 5
    ],
)
def test_the_account_and_address_limits(account, per_account, locked):
    from jiuzhu.lockout import is_locked

    assert is_locked(account=account, per_account_at_address=per_account, account_limit=5, address_limit=50) is locked


@pytest.mark.parametrize("password", ["short1!", "alllowercaseletters", "1234567890123", "jiuzhu"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_mixed_password_is_accepted():
    validate_password("Jiuzhu-2026-strong")


def test_session_expires_after_the_idle_limit(client, make, settings):
    user = make.user(Role.CASEWORKER, "330402007")
    client.force_login(user)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 1800

    session = client.session
    session.set_expiry(-1)  # as if 30 idle minutes had passed
    session.save()

    assert client.get("/").status_code == 302


def _session_writes(queries) -> list[str]:
    return [
        q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_page_view_within_a_minute_of_the_last_renewal_writes_no_session_row(client, make, time_machine):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    time_machine.move_to(NOW, tick=False)
    client.force_login(make.user(Role.CASEWORKER, "330402007"))
    client.get("/")  # renews: the session now carries the time of its renewal

    time_machine.move_to(NOW + datetime.timedelta(seconds=59), tick=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert _session_writes(queries.captured_queries) == []


def test_the_first_page_after_login_writes_no_session_row(client, make, time_machine):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    time_machine.move_to(NOW, tick=False)
    client.force_login(make.user(Role.CASEWORKER, "330402007"))

    time_machine.move_to(NOW + datetime.timedelta(seconds=5), tick=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert _session_writes(queries.captured_queries) == []


def test_use_after_the_renewal_interval_moves_the_idle_expiry(client, make, time_machine):
    from django.contrib.sessions.models import Session

    time_machine.move_to(NOW, tick=False)
    client.force_login(make.user(Role.CASEWORKER, "330402007"))
    client.get("/")
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date

    time_machine.move_to(NOW + datetime.timedelta(minutes=20), tick=False)
    client.get("/")
    renewed = Session.objects.get(session_key=key).expire_date

    assert renewed - first == datetime.timedelta(minutes=20)
    # 20 more idle minutes would have ended the unrenewed session; this one lives on.
    time_machine.move_to(NOW + datetime.timedelta(minutes=40), tick=False)
    assert client.get("/").status_code == 200


def test_logout_kills_the_session_and_a_replayed_cookie_is_rejected(client, make):
    client.force_login(make.user(Role.CASEWORKER, "330402007"))
    cookie = client.cookies["sessionid"].value

    client.post("/logout/")
    client.cookies["sessionid"] = cookie

    assert client.get("/").status_code == 302


@override_settings(PROXIES_IN_FRONT=1)
def test_behind_a_proxy_the_client_address_is_locked_not_the_proxy(client, make):
    make.user(Role.CASEWORKER, "330402007", username="chen")
    # The attacker also forges an X-Forwarded-For entry; our proxy appends the real address.
    for n in range(50):
        client.post(
            "/login/",
            {"username": f"guess{n % 10}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )

    colleague = client.post(
        "/login/",
        {"username": "chen", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    client.logout()
    attacker = client.post(
        "/login/",
        {"username": "chen", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )

    assert colleague.status_code == 302
    assert attacker.status_code == 403


@override_settings(PROXIES_IN_FRONT=1)
def test_behind_a_proxy_one_persons_failures_do_not_lock_the_office(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    make.user(Role.CASEWORKER, "330402007", username="chen")
    for _ in range(5):
        client.post(
            "/login/", {"username": "wang", "password": "x"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
        )

    colleague = client.post(
        "/login/",
        {"username": "chen", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert colleague.status_code == 302


def token_for(client, username, ip="10.1.1.1"):
    return client.post("/api/auth/token/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip)


def test_an_api_token_works_until_it_is_older_than_the_token_hours(client, make, settings, time_machine):
    settings.JIUZHU_TOKEN_HOURS = 12
    time_machine.move_to("2026-11-29 08:00:00+08:00", tick=False)
    make.user(Role.CASEWORKER, "330402007", username="wang")
    key = token_for(client, "wang").json()["token"]
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    time_machine.move_to("2026-11-29 19:59:00+08:00", tick=False)
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    time_machine.move_to("2026-11-29 20:00:00+08:00", tick=False)
    expired = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")

    assert expired.status_code in (401, 403)
    assert "过期" in expired.json()["detail"]
    fresh = token_for(client, "wang").json()["token"]
    assert fresh != key
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200


def test_asking_again_before_expiry_gives_the_same_token(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    assert token_for(client, "wang").json()["token"] == token_for(client, "wang").json()["token"]


def test_a_page_logout_revokes_the_users_api_token(client, make):
    user = make.user(Role.CASEWORKER, "330402007", username="wang")
    key = token_for(client, "wang").json()["token"]
    client.force_login(user)
    client.post("/logout/")

    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)


def test_delete_on_the_token_endpoint_revokes_the_token(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    key = token_for(client, "wang").json()["token"]

    assert client.delete("/api/auth/token/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 204
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)


def test_a_lockout_is_released_after_the_configured_minutes(client, make, settings, time_machine):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    time_machine.move_to("2026-11-29 08:00:00+08:00", tick=False)
    make.user(Role.CASEWORKER, "330402007", username="wang")
    for _ in range(5):
        post_login(client, "wang", "wrong-password-1")
    locked = post_login(client, "wang", PASSWORD)
    assert locked.status_code == 403
    assert "15分钟" in locked.content.decode() and "30分钟" not in locked.content.decode()

    # (A try while locked starts the cool-off again: AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT.)
    time_machine.move_to("2026-11-29 08:16:00+08:00", tick=False)
    assert post_login(client, "wang", PASSWORD).status_code == 302


def test_the_token_endpoint_is_locked_too_and_says_so_in_chinese(client, make, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=45)
    make.user(Role.CASEWORKER, "330402007", username="wang")
    answers = [
        client.post("/api/auth/token/", {"username": "wang", "password": "wrong-password-1"}, REMOTE_ADDR="10.1.1.1")
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 403]  # the fifth failure locks

    locked = token_for(client, "wang")

    assert locked.status_code == 403
    assert "锁定45分钟" in locked.json()["detail"]
    assert "token" not in locked.json()
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_the_token_endpoint_locks_the_account_not_the_colleague_at_the_same_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    make.user(Role.CASEWORKER, "330402007", username="chen")
    for _ in range(5):
        client.post("/api/auth/token/", {"username": "wang", "password": "wrong-password-1"}, REMOTE_ADDR="10.1.1.1")

    assert token_for(client, "wang").status_code == 403
    assert "token" in token_for(client, "chen").json()


def test_spraying_the_token_endpoint_locks_the_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="chen")
    for n in range(10):
        for _ in range(5):
            client.post("/api/auth/token/", {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="10.1.1.1")

    assert token_for(client, "chen", ip="10.1.1.1").status_code == 403
    assert "token" in token_for(client, "chen", ip="10.4.4.4").json()
