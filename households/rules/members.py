"""What a member's record must say: disability details exactly when the health is a disability."""

from __future__ import annotations

from jiuzhu.reasons import N_, Reason

DISABILITY = "disability"
DISABILITY_CLASSES = (1, 2, 3, 4)


def disability_errors(*, health: str, disability_class: int | None, disability_kind: str) -> dict[str, tuple[Reason, ...]]:
    """Field errors of the disability details: class (1–4) and kind required for a member
    with a disability, empty for anyone else."""
    errors: dict[str, tuple[Reason, ...]] = {}
    if health == DISABILITY:
        if disability_class not in DISABILITY_CLASSES:
            errors["disability_class"] = (Reason.of("class_required", N_(
                "Enter the disability class (1 to 4) of a member with a disability.")),)
        if not disability_kind:
            errors["disability_kind"] = (Reason.of("kind_required", N_(
                "Choose the kind of disability of a member with a disability.")),)
    else:
        if disability_class is not None:
            errors["disability_class"] = (Reason.of("class_without_disability", N_(
                "Leave the disability class empty unless the health is disability.")),)
        if disability_kind:
            errors["disability_kind"] = (Reason.of("kind_without_disability", N_(
                "Leave the disability kind empty unless the health is disability.")),)
    return errors
