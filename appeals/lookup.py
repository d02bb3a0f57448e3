"""What a member may type into /appeal/status/ to find their appeal, and the limits on it.

Accepted: the full tracking code, the whole link pasted (any language prefix, with or
without the host), or the short number (`7GBR-ZGRT`: case, spaces and dashes do not matter)
together with something only the member has, the last four digits of their phone or their
e-mail. The short number alone opens nothing: it is printed on slips and read out on the
phone, and eight characters could be guessed.

The tracking code itself is base64url: its case and its dashes are part of it, so only
whitespace (a link broken over two lines of a message) is dropped from it.

Limits: per address through the portal's limiter (`protection.status_lookup_allowed`,
`APPEAL_STATUS_LOOKUPS_PER_HOUR`); here, `APPEAL_LOOKUP_FAILURES_PER_NUMBER` wrong answers
per short number (in the cache, the key hashed), after which that number is refused for the
hour whoever asks, so the four digits cannot be tried from many addresses. If the cache is down the
look-up is allowed (a member must be able to read their answer; the code is 144 bits).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_LINK_RE = re.compile(r"/status/([^/?#\s]+)")
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{20,40}$")
_REFERENCE_RE = re.compile(rf"^[{REFERENCE_ALPHABET}]{{8}}$")


@dataclass(frozen=True)
class Query:
    """What the member typed, read: a code to try, and/or a reference with its proof."""

    code: str = ""
    reference: str = ""


def read_query(text: str) -> Query:
    text = (text or "").strip()
    if not text:
        return Query()
    link = _LINK_RE.search(text)
    if link:
        return Query(code=link.group(1))
    # Copied out of a message, the number often brings its sentence's punctuation along.
    text = text.strip(".,;:!?\"'«»“”()[] ")
    compact = re.sub(r"\s+", "", text)
    reference = re.sub(r"[\s\-‐-―№#]+", "", text).upper()
    if _REFERENCE_RE.match(reference):
        return Query(reference=f"{reference[:4]}-{reference[4:]}")
    if _CODE_RE.match(compact):
        return Query(code=compact)
    return Query()


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value}".encode()).hexdigest()[:32]
    return f"appeals:lookup:{kind}:{digest}:{int(time.time() // 3600)}"


def _count(key: str) -> int:
    try:
        if cache.add(key, 1, timeout=3600):
            return 1
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        return 1
    except Exception:  # noqa: BLE001 - a cache outage must not stop a member reading their answer
        logger.warning("Status look-up limits unavailable (cache error); allowing the look-up")
        return 0


def _read(key: str) -> int:
    try:
        return cache.get(key, 0)
    except Exception:  # noqa: BLE001 - as above: fail open
        return 0


def reference_locked(reference: str) -> bool:
    return _read(_key("ref", reference)) >= settings.APPEAL_LOOKUP_FAILURES_PER_NUMBER


def count_failure(reference: str) -> None:
    _count(_key("ref", reference))
