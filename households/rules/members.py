"""What a member's record must say: disability details exactly when the health is a disability;
and one head (户主) per household, wherever members are added, changed, moved or imported."""

from __future__ import annotations

from jiuzhu.reasons import N_, Reason

DISABILITY = "disability"
HEAD = "head"
DISABILITY_CLASSES = (1, 2, 3, 4)


def disability_errors(
    *, health: str, disability_class: int | None, disability_kind: str
) -> dict[str, tuple[Reason, ...]]:
    """Field errors of the disability details: class (1–4) and kind required for a member
    with a disability, empty for anyone else."""
    errors: dict[str, tuple[Reason, ...]] = {}
    if health == DISABILITY:
        if disability_class not in DISABILITY_CLASSES:
            errors["disability_class"] = (
                Reason.of("class_required", N_("Enter the disability class (1 to 4) of a member with a disability.")),
            )
        if not disability_kind:
            errors["disability_kind"] = (
                Reason.of("kind_required", N_("Choose the kind of disability of a member with a disability.")),
            )
    else:
        if disability_class is not None:
            errors["disability_class"] = (
                Reason.of(
                    "class_without_disability", N_("Leave the disability class empty unless the health is disability.")
                ),
            )
        if disability_kind:
            errors["disability_kind"] = (
                Reason.of(
                    "kind_without_disability", N_("Leave the disability kind empty unless the health is disability.")
                ),
            )
    return errors


def second_head(*, relation: str, current_head_id: int | None, member_id: int | None = None) -> Reason | None:
    """Refuse making ``member_id`` (None: a new member) the head of a household whose head
    is someone else: the current head's relation is changed first."""
    if relation == HEAD and current_head_id not in (None, member_id):
        return Reason.of(
            "member.second_head", N_("The household already has a head; change the current head's relation first.")
        )
    return None


def imported_heads(*, heads_in_file: int, has_recorded_head: bool) -> Reason | None:
    """An imported household has exactly one head: in the file or already recorded."""
    heads = heads_in_file + (1 if has_recorded_head else 0)
    if heads > 1:
        return Reason.of("import.heads", N_("household %(key)s has more than one head"))
    if heads == 0:
        return Reason.of("import.no_head", N_("household %(key)s has no head (户主): mark one member as 户主"))
    return None
