from __future__ import annotations

import pytest
import time_machine
from hypothesis import HealthCheck, settings

from tests import factories
from tests.clock import NOW

# Property tests judge the code, not the machine: a loaded CI runner must not fail them for
# slowness (the "too slow" health check and the per-example deadline measure wall time).
settings.register_profile("jiuzhu", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("jiuzhu")


@pytest.fixture(autouse=True)
def _test_day():
    """Every test runs on the test day (tests/clock.py), never on the machine's clock.

    The clock ticks from NOW so that records made one after another are ordered; a test that
    needs another day or a stopped clock travels there itself (the `time_machine` fixture).
    """
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the shipped area tree (嘉兴市 and its 72 townships)."""
    from jiuzhu.areas import SHIPPED_TOWNSHIPS, load_townships, read_rows

    with django_db_blocker.unblock():
        load_townships(list(read_rows(SHIPPED_TOWNSHIPS)))


@pytest.fixture
def transactional_areas(transactional_db):
    """Transactional tests (threads, a live server) flush the database after each test:
    load the shipped areas again."""
    from jiuzhu.areas import SHIPPED_TOWNSHIPS, load_townships, read_rows

    load_townships(list(read_rows(SHIPPED_TOWNSHIPS)))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: cached dashboards and throttles never leak."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make():
    """The test-data builders (tests/factories.py)."""
    return factories


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_the_audit_trigger():
    """A transactional test's database is emptied afterwards. PostgreSQL truncates, which the
    audit trail's trigger does not see; SQLite deletes, which it refuses: there the flush
    lifts the trigger in its transaction, as ``purge_audit`` does (jiuzhu/audit_lock.py)."""
    from django.db import transaction
    from django.db.backends.base.operations import BaseDatabaseOperations

    from jiuzhu import audit_lock

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if self.connection.vendor != "sqlite":
            return original(self, sql_list)
        with transaction.atomic(using=self.connection.alias), audit_lock.lifted(self.connection):
            return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original
