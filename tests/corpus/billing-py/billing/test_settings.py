"""Settings for the test run: a throwaway key and the local database."""
from .settings import *  # noqa: F401,F403

SECRET_KEY = "django-insecure-test-only-not-used-anywhere-else"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
INVOICE_SIGNING_KEY = b"test-signing-key"
CELERY_TASK_ALWAYS_EAGER = True
