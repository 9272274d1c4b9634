"""Settings for the test suite: the real settings with fast hashing, inline jobs and a throw-away media folder."""

import tempfile
from pathlib import Path

from luoshi.settings import *  # noqa: F403
from luoshi.settings import HUEY, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="luoshi-media-"))
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="luoshi-static-"))
WHITENOISE_USE_FINDERS = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
