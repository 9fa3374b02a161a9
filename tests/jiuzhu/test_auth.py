"""Login, lockout, password rules, session expiry and logout."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from jiuzhu.models import AuditAction, AuditEvent, Role
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


def test_failures_from_one_address_lock_that_address(client, make):
    make.user(Role.CASEWORKER, "330402007", username="chen")
    for n in range(5):
        post_login(client, f"guess{n}", "wrong-password-1", ip="10.9.9.9")

    assert post_login(client, "chen", PASSWORD, ip="10.9.9.9").status_code == 403
    assert post_login(client, "chen", PASSWORD, ip="10.3.3.3").status_code == 302


@pytest.mark.parametrize("password", ["short1!", "alllowercaseletters", "1234567890123", "jiuzhu"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_mixed_password_is_accepted():
    validate_password("Jiuzhu-2026-strong")


def test_session_expires_after_the_idle_limit(client, make, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    user = make.user(Role.CASEWORKER, "330402007")
    client.force_login(user)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 1800

    session = client.session
    session.set_expiry(-1)  # as if 30 idle minutes had passed
    session.save()

    assert client.get("/").status_code == 302


def test_logout_kills_the_session_and_a_replayed_cookie_is_rejected(client, make):
    client.force_login(make.user(Role.CASEWORKER, "330402007"))
    cookie = client.cookies["sessionid"].value

    client.post("/logout/")
    client.cookies["sessionid"] = cookie

    assert client.get("/").status_code == 302


@override_settings(PROXIES_IN_FRONT=1)
def test_behind_a_proxy_the_client_address_is_locked_not_the_proxy(client, make):
    make.user(Role.CASEWORKER, "330402007", username="chen")
    for n in range(5):
        # The attacker also forges an X-Forwarded-For entry; our proxy appends the real address.
        client.post("/login/", {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7")

    colleague = client.post("/login/", {"username": "chen", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
                            HTTP_X_FORWARDED_FOR="203.0.113.8")
    client.logout()
    attacker = client.post("/login/", {"username": "chen", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
                           HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")

    assert colleague.status_code == 302
    assert attacker.status_code == 403


def test_the_api_token_endpoint_is_locked_after_five_failures_like_the_login_page(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")
    statuses = [client.post("/api/auth/token/", {"username": "wang", "password": "wrong-password-1"},
                            REMOTE_ADDR="10.4.4.4").status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 403]  # the fifth failure locks

    response = client.post("/api/auth/token/", {"username": "wang", "password": PASSWORD}, REMOTE_ADDR="10.4.4.4")

    assert response.status_code == 403
    assert "token" not in response.json()
    assert "锁定" in response.json()["detail"]
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_the_api_token_endpoint_gives_a_token_for_the_right_password(client, make):
    make.user(Role.CASEWORKER, "330402007", username="wang")

    response = client.post("/api/auth/token/", {"username": "wang", "password": PASSWORD}, REMOTE_ADDR="10.5.5.5")

    assert response.status_code == 200 and response.json()["token"]
