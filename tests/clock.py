"""The test day: every test runs on this clock unless it travels elsewhere explicitly.

The suite must pass whatever the machine's clock says, so no test, fixture or piece of code
under test may see the real date: `tests/conftest.py` starts every test at NOW (ticking, so
that records made one after another keep their order) and a test that needs another day
moves there with the `time_machine` fixture or `time_machine.travel(...)`.
"""

from __future__ import annotations

import datetime

JIAXING = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")

# 10:00 in Jiaxing on a Sunday late in the year: far enough from midnight in both UTC and
# local time that "today" is the same day whichever zone a piece of code asks in.
NOW = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=JIAXING)
TODAY = NOW.date()
