"""Write every workbook the system hands out, as its users download them, into a folder.

Run by scripts/render-sheets.sh against the demo database (make run's): the transfer sheet
of a county and of the city, the dashboard's whole view and one panel, the roster export
and the import template. Each is fetched through the same page a user opens (Django's test
client signed in as a demo user), so what is rendered is what a bureau would print.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from households.models import Household  # noqa: E402
from households.roster.exports import write_roster  # noqa: E402
from jiuzhu.models import User  # noqa: E402

DOWNLOADS = [
    # (file name, demo login, page)
    ("transfer-sheet-nanhu.xlsx", "demo-finance", "/staffing/funding/sheet.xlsx?county=330402&year={year}"),
    ("transfer-sheet-city.xlsx", "demo-city-finance", "/staffing/funding/sheet.xlsx?year={year}"),
    ("dashboard-city.xlsx", "demo-city", "/dashboards/?export=all"),
    ("dashboard-panel-households.xlsx", "demo-city", "/dashboards/?export=households"),
    ("import-template.xlsx", "demo-township", "/households/import/template.xlsx"),
]


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    year = timezone.localdate().year - 1
    for name, login, page in DOWNLOADS:
        client = Client(secure=True)
        client.force_login(User.objects.get(username=login))
        response = client.get(page.format(year=year))
        if response.status_code != 200:
            raise SystemExit(f"{page}: {response.status_code} (is the demo seeded? run make run once)")
        (folder / name).write_bytes(b"".join(response) if response.streaming else response.content)
        print(folder / name)
    township = User.objects.get(username="demo-township")
    handle, rows = write_roster(Household.objects.in_scope(township), user=township)
    (folder / "roster-export.xlsx").write_bytes(handle.read())
    print(folder / "roster-export.xlsx", f"({rows} member rows)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/sheets"))
