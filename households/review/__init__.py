"""Periodic review: change reports, review tasks and records, the nightly pass."""
