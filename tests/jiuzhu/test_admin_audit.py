"""Edits made in the admin reach the audit trail: who, when, old → new."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from households.models import Household
from jiuzhu.models import AuditAction, AuditEvent, PolicyParameters, Role, User

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values the admin's change form would send back unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
            elif a.get("type") not in {"submit", "button", "file"}:
                self.data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_in_admin(client, url: str, **changes):
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    data = {name: values if len(values) != 1 else values[0] for name, values in parser.data.items()}
    data.update(changes)
    return client.post(url, data)


def test_changing_the_dibao_standard_in_the_admin_writes_old_and_new(make, client):
    admin = make.user(Role.ADMIN, None, username="root")
    row = make.policy_row("330402", 2026, "1256.00")
    client.force_login(admin)

    response = change_in_admin(client, f"/admin/jiuzhu/policyparameters/{row.pk}/change/", dibao_standard="1300.00")

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.for_object(row).get()
    assert (event.action, event.actor_name) == (AuditAction.UPDATE, "root")
    assert event.changes == {"dibao_standard": ["1256.00", "1300.00"]}
    assert event.summary == "admin"


def test_a_users_role_and_area_change_in_the_admin_is_audited(make, client):
    admin = make.user(Role.ADMIN, None, username="root")
    wang = make.user(Role.CASEWORKER, "330402007", username="wang")
    # The admin's date and time boxes show whole minutes (zh_Hans formats): seconds would be a change.
    User.objects.filter(pk=wang.pk).update(date_joined=wang.date_joined.replace(second=0, microsecond=0))
    township = make.area("330402007")
    client.force_login(admin)

    response = change_in_admin(
        client, f"/admin/jiuzhu/user/{wang.pk}/change/", role=Role.TOWNSHIP_OFFICER, phone="13800000000"
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.for_object(wang).get()
    assert event.action == AuditAction.UPDATE
    assert event.changes == {"role": [Role.CASEWORKER, Role.TOWNSHIP_OFFICER], "phone": ["", "13800000000"]}

    county = make.area("330402")
    change_in_admin(client, f"/admin/jiuzhu/user/{wang.pk}/change/", role=Role.COUNTY_CIVIL, area=str(county.pk))
    latest = AuditEvent.objects.for_object(wang).order_by("-pk").first()
    assert latest.changes == {"role": [Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL], "area_id": [township.pk, county.pk]}


def test_a_password_set_in_the_admin_is_audited_without_its_hash(make, client):
    admin = make.user(Role.ADMIN, None, username="root")
    wang = make.user(Role.CASEWORKER, "330402007", username="wang")
    client.force_login(admin)

    response = client.post(
        f"/admin/jiuzhu/user/{wang.pk}/password/", {"password1": "Another-pass-2026", "password2": "Another-pass-2026"}
    )

    assert response.status_code == 302
    event = AuditEvent.objects.for_object(wang).get()
    assert event.changes == {"password": ["******", "******"]}
    assert User.objects.get(pk=wang.pk).password not in str(event.changes)


def test_an_unchanged_admin_save_writes_no_audit_row(make, client):
    admin = make.user(Role.ADMIN, None)
    row = make.policy_row("330402", 2026, "1256.00")
    client.force_login(admin)

    assert change_in_admin(client, f"/admin/jiuzhu/policyparameters/{row.pk}/change/").status_code == 302

    assert not AuditEvent.objects.for_object(row).exists()


def test_assigning_caseworkers_to_a_household_in_the_admin_is_audited(make, client):
    admin = make.user(Role.ADMIN, None)
    wang = make.user(Role.CASEWORKER, "330402007")
    household = make.household("330402007", actor=admin, members=0)
    client.force_login(admin)
    already = AuditEvent.objects.for_household(household.pk).count()

    response = change_in_admin(
        client, f"/admin/households/household/{household.pk}/change/", caseworkers=[str(wang.pk)]
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    events = AuditEvent.objects.for_household(household.pk).order_by("pk")[already:]
    assert [(e.action, e.changes) for e in events] == [(AuditAction.UPDATE, {"caseworkers": [[], [wang.pk]]})]


def test_sharing_a_household_in_the_admin_is_audited_for_users_and_groups(make, client):
    from django.contrib.auth.models import Group

    admin = make.user(Role.ADMIN, None)
    outsider = make.user(Role.CASEWORKER, "330411002", username="chen")
    team = Group.objects.create(name="协查组")
    household = make.household("330402007", actor=admin, members=0)
    client.force_login(admin)
    base = f"/admin/households/household/{household.pk}/permissions"

    assert client.post(f"{base}/user-manage/{outsider.pk}/", {"permissions": ["view_household"]}).status_code == 302
    assert client.post(f"{base}/group-manage/{team.pk}/", {"permissions": ["view_household"]}).status_code == 302
    assert client.post(f"{base}/user-manage/{outsider.pk}/", {"permissions": ["change_household"]}).status_code == 302

    grants = [e.changes for e in AuditEvent.objects.for_object(household).filter(summary="admin").order_by("pk")]
    assert grants == [
        {"grant:user:chen": [[], ["view_household"]]},
        {"grant:group:协查组": [[], ["view_household"]]},
        {"grant:user:chen": [["view_household"], ["change_household"]]},
    ]


def test_deleting_in_the_admin_records_the_last_values(make, client):
    admin = make.user(Role.ADMIN, None)
    row = make.policy_row("330402", 2025, "1205.00")
    other = make.policy_row("330411", 2025, "1205.00")
    client.force_login(admin)

    client.post(f"/admin/jiuzhu/policyparameters/{row.pk}/delete/", {"post": "yes"})
    client.post(
        "/admin/jiuzhu/policyparameters/", {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"}
    )

    assert not PolicyParameters.objects.filter(pk__in=[row.pk, other.pk]).exists()
    deleted = AuditEvent.objects.filter(action=AuditAction.DELETE, target_type="jiuzhu.policyparameters")
    assert sorted(e.target_id for e in deleted) == sorted([str(row.pk), str(other.pk)])
    assert all(e.changes["dibao_standard"] == ["1205.00", None] for e in deleted)


def test_every_admin_of_personal_or_money_data_is_audited():
    from django.contrib import admin

    from jiuzhu.admin import AuditedAdminMixin

    read_only = {"AuditEvent", "Application"}  # nothing can be changed there
    unaudited = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"jiuzhu", "households", "caseworkers", "staffing"}
        and model.__name__ not in read_only
        and not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []
    assert Household in admin.site._registry
