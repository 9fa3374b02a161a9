"""Start the web server and a Celery worker with beat together; Ctrl-C stops both."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from jiuzhu.celery import ensure_broker_folders
from jiuzhu.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS


def demo_logins_line() -> str:
    """The demo logins, every one that seed_demo creates."""
    names = [username for username, *_rest in DEMO_USERS]
    return f"Log in as {', '.join(names[:-1])} or {names[-1]}; password {DEMO_PASSWORD}. Ctrl-C stops everything.\n"


class Command(BaseCommand):
    help = "Run the development web server and a Celery worker with embedded beat."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port: str, host: str, **options):
        ensure_broker_folders()
        broker = "Redis" if settings.REDIS_URL else "embedded (filesystem) broker"
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jiuzhu.celery",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--pool",
                "solo",
            ]
        )
        web = subprocess.Popen([sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"])
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\njiuzhu is running at {url}  (Celery worker + beat on the {broker})"))
        self.stdout.write(demo_logins_line())
        children = [web, worker]

        def stop(*_args):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()

        signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
