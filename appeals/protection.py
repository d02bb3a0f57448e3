"""What keeps bots and double clicks out of the public form: a signed one-time form token
(which also carries the time the form was served), and the per-address hourly limits of
submissions and status lookups, counted by the portal's one limiter (`unionportal.ratelimit`,
Redis in production, so it holds across processes)."""

import secrets
import time

from django.conf import settings
from django.core import signing

from unionportal import ratelimit

TOKEN_SALT = "appeals.form-token"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 24 * 3600


def issue_form_token() -> str:
    return signing.dumps({"t": int(time.time()), "n": secrets.token_urlsafe(24)}, salt=TOKEN_SALT)


class TokenProblem(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def read_form_token(value: str) -> tuple[str, float]:
    """The token's nonce and the seconds since the form was served, or TokenProblem."""
    try:
        data = signing.loads(value or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TokenProblem("expired") from exc
    except signing.BadSignature as exc:
        raise TokenProblem("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not isinstance(data.get("t"), int):
        raise TokenProblem("invalid")
    return data["n"], time.time() - data["t"]


def filled_too_fast(elapsed: float) -> bool:
    return elapsed < settings.APPEAL_MIN_FILL_SECONDS


SUBMIT_SCOPE = "appeals:submit"
STATUS_SCOPE = "appeals:status"
HOUR = 3600


def reserve_submission(request) -> bool:
    """Count this submission against the address's hourly limit before it is stored;
    False when the address is over the limit. Counted first, atomically, so concurrent
    submissions cannot all pass a check made before any of them was counted."""
    return ratelimit.allow(request, SUBMIT_SCOPE, limit=settings.APPEAL_RATE_LIMIT_PER_HOUR, period=HOUR)


def release_submission(request) -> None:
    """Give the reservation back: the form came back with errors, nothing was stored."""
    ratelimit.refund(request, SUBMIT_SCOPE, period=HOUR)


def status_lookup_allowed(request, *, key: str | None = None) -> bool:
    """Count one status lookup of this address (and of `key`, the looked-up number, when
    the lookup names one): codes and numbers cannot be tried in bulk."""
    return ratelimit.allow(request, STATUS_SCOPE, limit=settings.APPEAL_STATUS_LOOKUPS_PER_HOUR, period=HOUR, key=key)
