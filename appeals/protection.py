"""What keeps bots and double clicks out of the public form: a signed one-time form token
(which also carries the time the form was served), and a per-address hourly rate limit in
the cache (Redis in production, so it holds across processes)."""

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

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


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is the client's to forge unless the proxy rewrites
    # it, and the deployment's proxy sets REMOTE_ADDR through its own means.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_key(request) -> str:
    # The address is hashed: nothing personal is kept in the cache.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()[:32]
    return f"appeals:rate:{digest}:{int(time.time() // 3600)}"


def rate_limited(request) -> bool:
    count = cache.get(_rate_key(request), 0)
    return count >= settings.APPEAL_RATE_LIMIT_PER_HOUR


def count_submission(request) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)
