"""What keeps one member to one answer where no code is asked: a signed state carried by the
form (its nonce makes a double submit count once), a signed cookie per poll answered, and
a per-address hourly limit in the cache (the address hashed: nothing personal is kept)."""

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

STATE_SALT = "polls.form-state"
COOKIE_SALT = "polls.answered"
STATE_MAX_AGE = 24 * 3600
COOKIE_MAX_AGE = 400 * 24 * 3600


class StateProblem(Exception):
    pass


def new_state(*, unit_id: int | None, code: str = "") -> dict:
    return {"n": secrets.token_urlsafe(24), "u": unit_id, "c": code, "v": {}}


def dump_state(state: dict) -> str:
    return signing.dumps(state, salt=STATE_SALT, compress=True)


def load_state(value: str) -> dict:
    try:
        state = signing.loads(value or "", salt=STATE_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
        raise StateProblem from exc
    if not isinstance(state, dict) or not isinstance(state.get("n"), str) or not isinstance(state.get("v"), dict):
        raise StateProblem
    if not all(isinstance(k, str) and isinstance(v, list) for k, v in state["v"].items()):
        raise StateProblem
    return state


def cookie_name(poll) -> str:
    return f"poll-{poll.pk}"


def has_answered(request, poll) -> bool:
    return request.get_signed_cookie(cookie_name(poll), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE) == "1"


def mark_answered(response, poll) -> None:
    response.set_signed_cookie(
        cookie_name(poll), "1", salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _rate_key(request, poll) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"polls:rate:{poll.pk}:{digest}:{int(time.time() // 3600)}"


def rate_limited(request, poll) -> bool:
    return cache.get(_rate_key(request, poll), 0) >= settings.POLL_RATE_LIMIT_PER_HOUR


def count_answer(request, poll) -> None:
    key = _rate_key(request, poll)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)
