"""System checks that fail fast on a bot configured wrong (run by `manage.py check` and at start)."""

import re

from django.conf import settings
from django.core.checks import Error, Warning, register

SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@register()
def telegram_settings(app_configs, **kwargs):
    problems = []
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if secret and not SECRET_RE.match(secret):
        problems.append(Error(
            "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram refuses others).",
            id="messaging.E001",
        ))
    if settings.TELEGRAM_BOT_TOKEN and not settings.DEBUG and not secret:
        problems.append(Warning(
            "TELEGRAM_BOT_TOKEN is set without TELEGRAM_WEBHOOK_SECRET: the webhook refuses every update; "
            "set the secret, or receive updates with `manage.py messaging_poll`.",
            id="messaging.W001",
        ))
    if settings.TELEGRAM_BOT_TOKEN and not settings.TELEGRAM_BOT_USERNAME:
        problems.append(Warning(
            "TELEGRAM_BOT_USERNAME is not set: the branch pages cannot show the subscribe link and QR code.",
            id="messaging.W002",
        ))
    return problems
