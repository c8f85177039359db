"""Settings for the test suite: fast hashing, a throwaway var dir, either database."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("BOMCA_VAR_DIR", tempfile.mkdtemp(prefix="bomca-test-"))
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from bomca.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests sign administrators in with force_login; the two-factor tests turn this on themselves.
BOMCA_ADMIN_TWO_FACTOR = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False}

# One rate-limit window of a day: a window that ends between two calls of a test would make
# the second one open a window (a few more queries), and query-count tests would flicker.
BOMCA_API_RATE_WINDOW = 86400

# A test's writes never commit (its transaction is rolled back), so the data version that
# retires cached figures is never raised in it: tests compute figures afresh, and the cache's
# own tests turn it on and run the commit callbacks (tests/reporting/test_figures_cache.py).
BOMCA_FIGURES_CACHE = False
