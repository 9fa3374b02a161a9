"""The codes stored for a household's categories and statuses, written once.

The rules compare against these; the models' choices take their values from here and add
the labels. A code is what the database holds: changing one needs a data migration.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """Assistance categories (救助类别). ABOVE is a rules-only class: above every line."""

    DIBAO = "dibao"
    LOW_INCOME = "low_income"
    TEKUN = "tekun"
    TEMPORARY = "temporary"
    EXPENDITURE = "expenditure"
    MEDICAL = "medical"
    EDUCATION = "education"
    HOUSING = "housing"
    EMPLOYMENT = "employment"
    ABOVE = "above"


class HouseholdStatus(StrEnum):
    """A household's place on the register (待核实 / 在册 / 已退出)."""

    PENDING = "pending"
    ACTIVE = "active"
    EXITED = "exited"


class EnrolmentStatus(StrEnum):
    ACTIVE = "active"
    GRADUAL_EXIT = "gradual_exit"
    SUSPENDED = "suspended"
    ENDED = "ended"
