"""The code an authenticator app would show now, for tests that enrol the second factor."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

# The server accepts only the current period's code (MFA_TOTP_TOLERANCE is 0): a code made
# in a period's last seconds may be checked in the next one and refused, a flaky journey.
MARGIN_SECONDS = 5


def current_totp_code(secret: str) -> str:
    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < MARGIN_SECONDS:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
