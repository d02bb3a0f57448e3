"""The one rate-limit mechanism of the portal, and the one answer to "who is asking".

`client_ip(request)` is the visitor's address: REMOTE_ADDR, unless the request comes from a
proxy listed in TRUSTED_PROXIES, in which case the address that proxy saw (its
X-Forwarded-For, read from the right, or its X-Real-IP). A header from anyone else is the
visitor's to forge and is ignored. Appeals, status lookups and allauth's login limits
(through `accounts.adapters.AccountAdapter.get_client_ip`) all read this function, so
behind nginx every member has their own bucket instead of one shared by all.

`allow(request, scope, limit=..., period=...)` counts one hit and says whether it is within
the limit. Counting is atomic: `cache.add` creates the window's counter, `cache.incr`
raises it (Redis INCR in production, a locked update in the local-memory cache), and the
answer is read from the incremented value, so 30 concurrent requests against a limit of
10 let exactly 10 through (there is no read-then-write gap). A hit that did not lead to
anything (an invalid form) is given back with `refund`.

When the cache is down, the limiter fails open: the request is allowed and the cache
backend logs the outage. The portal's first promise is that an appeal accepted is an
appeal stored; the form's own defences (single-use signed token, minimum fill time,
honeypot) still hold during an outage. docs/security.md has the reasoning.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

from unionportal.cache import CacheUnavailable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address | None) -> bool:
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The visitor's address, trusting forwarded headers only from TRUSTED_PROXIES."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return "unknown"
    if not _trusted(remote):
        return str(remote)
    # Each proxy appends the address it saw, so the right end is the most trustworthy:
    # walk leftwards past our own proxies; the first other address is the visitor.
    # Anything further left was written by the visitor and proves nothing.
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break
        if not _trusted(address):
            return str(address)
    real = _parse(request.META.get("HTTP_X_REAL_IP", ""))
    if real is not None and not hops:
        return str(real)
    return str(remote)


def _bucket(address: str) -> str:
    # One IPv6 visitor usually holds a whole /64: count it as one address.
    parsed = _parse(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def _key(scope: str, identity: str, period: int) -> str:
    # Hashed with the secret key: the cache holds no address, phone or code in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{identity}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // period)}"


def _hit(key: str, period: int) -> int | None:
    """The counter after adding one; when the cache is down, None or 1 (the fail-soft
    cache's add answers True then), within any limit, so the limiter fails open."""
    try:
        # The first hit of the window creates the counter at 1: one command (SET NX) for
        # most visitors, who come once an hour, instead of three (add, then incr's EXISTS
        # and INCR); only the one request that created it reads 1.
        if cache.add(key, 1, timeout=period):
            return 1
        try:
            return cache.incr(key)
        except ValueError:
            # The window's counter expired between add and incr: start it again.
            cache.add(key, 0, timeout=period)
            return cache.incr(key)
    except (CacheUnavailable, ValueError):
        return None


def _identities(request, key: str | None) -> list[str]:
    identities = [f"ip:{_bucket(client_ip(request))}"]
    if key:
        identities.append(f"key:{key}")
    return identities


def allow(request, scope: str, *, limit: int, period: int, key: str | None = None) -> bool:
    """Count one hit from this visitor (and, with `key`, on that key, e.g. a looked-up
    number, whoever asks); False when either count is over `limit` within `period` seconds."""
    allowed = True
    for identity in _identities(request, key):
        count = _hit(_key(scope, identity, period), period)
        if count is not None and count > limit:
            allowed = False
    return allowed


def refund(request, scope: str, *, period: int, key: str | None = None) -> None:
    """Give back a hit counted by `allow` that led to nothing (a form sent back with errors)."""
    for identity in _identities(request, key):
        try:
            cache.decr(_key(scope, identity, period))
        except (CacheUnavailable, ValueError):
            pass
