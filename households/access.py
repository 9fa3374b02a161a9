"""Who may do what with household files: one table, asked by views, menus, the API and
services alike (and read by the access-matrix test).

The table says which roles may take an action at all; *where* they may take it is the
area scope (``Household.objects.in_scope``, ``dossier.selectors.can_edit``). A superuser
may take every action. The procedure's step roles are a domain rule and stay in
``rules.procedure.ACTION_ROLES``; drafting an application is read from there.
"""

from __future__ import annotations

from enum import StrEnum

from households.rules import mask_phone
from households.rules import procedure as proc
from jiuzhu.models import CIVIL_AFFAIRS_ROLES, Role


class Action(StrEnum):
    READ_HOUSEHOLDS = "read_households"  # the list, the dossier, its API
    EDIT_DOSSIER = "edit_dossier"  # create households, change members, record verifications...
    SET_STATUS = "set_status"  # exit a household or register an exited one again, by hand
    SEARCH_HOUSEHOLDS = "search_households"  # the household picker of other forms
    FULL_ID_IN_EXPORT = "full_id_in_export"  # roster exports with ID numbers in full
    DRAFT_APPLICATION = "draft_application"
    WRITE_PLAN = "write_plan"  # 一户一策: draft, activate, record actions
    REPORT_CHANGE = "report_change"
    RECORD_REVIEW = "record_review"
    CONFIRM_REVIEW = "confirm_review"
    SEE_REVIEW_RUNS = "see_review_runs"
    READ_CALENDAR = "read_calendar"  # the working-day overrides in force
    EDIT_CALENDAR = "edit_calendar"  # enter, correct or withdraw an override (city-wide or a county's)


FIELD = frozenset({Role.CASEWORKER, Role.TOWNSHIP_OFFICER, Role.ADMIN})
OFFICER = frozenset({Role.TOWNSHIP_OFFICER, Role.ADMIN})

ROLES: dict[Action, frozenset[str]] = {
    Action.READ_HOUSEHOLDS: frozenset(CIVIL_AFFAIRS_ROLES),
    Action.EDIT_DOSSIER: FIELD,
    Action.SET_STATUS: OFFICER,
    Action.SEARCH_HOUSEHOLDS: FIELD | {Role.COUNTY_CIVIL},
    Action.FULL_ID_IN_EXPORT: OFFICER | {Role.COUNTY_CIVIL},
    Action.DRAFT_APPLICATION: proc.ACTION_ROLES[proc.SUBMIT] | {Role.ADMIN},
    Action.WRITE_PLAN: FIELD,
    Action.REPORT_CHANGE: FIELD,
    Action.RECORD_REVIEW: FIELD,
    Action.CONFIRM_REVIEW: OFFICER,
    Action.SEE_REVIEW_RUNS: OFFICER | {Role.COUNTY_CIVIL, Role.CITY_CIVIL},
    Action.READ_CALENDAR: frozenset({Role.COUNTY_CIVIL, Role.CITY_CIVIL, Role.ADMIN}),
    Action.EDIT_CALENDAR: frozenset({Role.CITY_CIVIL, Role.ADMIN}),
}


def may(user, action: Action) -> bool:
    """Whether ``user``'s role may take ``action`` at all (an anonymous user may not)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in ROLES[action])


def roles(action: Action) -> tuple[str, ...]:
    """The roles of ``action``, for the API's role-based permission classes."""
    return tuple(sorted(ROLES[action]))


def full_ids_allowed(user) -> bool:
    """Whether ``user`` sees full ID and phone numbers in lists, exports and the API."""
    return may(user, Action.FULL_ID_IN_EXPORT)


def phone_for(user, phone: str) -> str:
    """The phone number as ``user`` may see it in a list or an API answer (masked unless
    ``full_ids_allowed``)."""
    return phone if not phone or full_ids_allowed(user) else mask_phone(phone)


def may_edit_dossier(user) -> bool:
    return may(user, Action.EDIT_DOSSIER)


def may_set_status(user) -> bool:
    return may(user, Action.SET_STATUS)


def may_draft_application(user) -> bool:
    return may(user, Action.DRAFT_APPLICATION)


def may_write_plan(user) -> bool:
    return may(user, Action.WRITE_PLAN)


def may_report_change(user) -> bool:
    return may(user, Action.REPORT_CHANGE)


def may_record_review(user) -> bool:
    return may(user, Action.RECORD_REVIEW)


def may_confirm_review(user) -> bool:
    return may(user, Action.CONFIRM_REVIEW)


def may_see_review_runs(user) -> bool:
    return may(user, Action.SEE_REVIEW_RUNS)
