"""Test settings: the real settings, with a fast password hasher and a private media folder."""

import os
import tempfile

from jiuzhu.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A subprocess of a test (the restore drill's consistency_check) is given its parent's folder.
MEDIA_ROOT = os.environ.get("JIUZHU_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="jiuzhu-test-media-")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
STATIC_ROOT = tempfile.mkdtemp(prefix="jiuzhu-test-static-")
if not REDIS_URL:  # noqa: F405
    # The real (shared, file) cache, in a folder of this test process's own: xdist workers
    # never see each other's cached dashboards.
    CACHES = {"default": {**CACHES["default"], "LOCATION": tempfile.mkdtemp(prefix="jiuzhu-test-cache-")}}  # noqa: F405

# Under pytest-xdist the workers share one Redis: each gets its own database so that one
# worker's cache.clear() (FLUSHDB) or cached dashboard never reaches another's test.
if REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    _db = 1 + int(_worker.removeprefix("gw") or 0) % 15
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{_db}")),  # noqa: F405
        }
    }
