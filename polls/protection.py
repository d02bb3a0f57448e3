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


def new_state(*, poll_id: int, unit_id: int | None, code: str = "") -> dict:
    return {"p": poll_id, "n": secrets.token_urlsafe(24), "u": unit_id, "c": code, "v": {}}


def dump_state(state: dict) -> str:
    return signing.dumps(state, salt=STATE_SALT, compress=True)


def load_state(value: str, *, poll_id: int) -> dict:
    try:
        state = signing.loads(value or "", salt=STATE_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
        raise StateProblem from exc
    if not isinstance(state, dict) or not isinstance(state.get("n"), str) or not isinstance(state.get("v"), dict):
        raise StateProblem
    if state.get("p") != poll_id:  # a form of another poll (its branch would not be this one's)
        raise StateProblem
    if not all(isinstance(k, str) and isinstance(v, list) for k, v in state["v"].items()):
        raise StateProblem
    return state


def unit_of_expired(value: str, *, poll_id: int) -> int | None:
    """The branch of a form whose state has expired but is genuine, so that a member who
    answers again still counts for the branch of their link."""
    try:
        state = signing.loads(value or "", salt=STATE_SALT)
    except signing.BadSignature:
        return None
    if isinstance(state, dict) and state.get("p") == poll_id and isinstance(state.get("u"), int):
        return state["u"]
    return None


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


def take_rate_slot(request, poll) -> bool:
    """Count an answer sent from this address; False when it is over the hour's limit.
    One round trip to the cache in the common case (the counter exists)."""
    key = _rate_key(request, poll)
    try:
        count = cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=3600):
            count = 1
        else:
            count = cache.incr(key)
    return count <= settings.POLL_RATE_LIMIT_PER_HOUR
