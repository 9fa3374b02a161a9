"""Test settings: the real settings, with a fast password hasher and a private media folder."""

import tempfile

from jiuzhu.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="jiuzhu-test-media-")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
STATIC_ROOT = tempfile.mkdtemp(prefix="jiuzhu-test-static-")
