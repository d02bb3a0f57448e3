"""Checking that links still lead somewhere.

`LinkCheckFields` is an abstract model: any model that holds a link to the outside world
(a branch's social page, a media appearance) inherits it and names its URL field in
`LINK_CHECK_URL_FIELD`. `check_link_batch` fetches the links of a batch of rows with
requests — a bounded thread pool, a timeout, a clear user agent, redirects followed, HEAD
then GET — and records the outcome. The scheduled task `branches.tasks.check_all_links`
finds every concrete subclass through the app registry, so a new one needs no wiring.

No web request ever waits for this: it runs in Celery or from `manage.py check_links`.
"""

import ipaddress
import logging
import math
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import requests
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter

logger = logging.getLogger(__name__)

# A link is dead when this many checks in a row failed; one failure may be a hiccup.
DEAD_AFTER_FAILURES = 2
# A claim older than this belongs to a run that died; another run may take the row over.
CLAIM_EXPIRES_AFTER = timedelta(minutes=30)
# Servers that refuse HEAD answer one of these; GET tells the truth.
HEAD_REFUSED = {400, 403, 404, 405, 429, 500, 501, 503}
MAX_REDIRECTS = 10
# requests' timeout bounds each read, not the whole answer: a server that drips its headers
# a byte at a time would hold a worker for ever. A link gets this many timeouts in all.
TIMEOUTS_PER_LINK = 4


class LinkCheckFields(models.Model):
    """The outcome of the last checks of a link; inherit it and set LINK_CHECK_URL_FIELD."""

    LINK_CHECK_URL_FIELD = "url"

    link_status_code = models.PositiveSmallIntegerField(_("last check: HTTP status"), null=True, blank=True)
    link_final_url = models.URLField(_("last check: final address"), max_length=1000, blank=True)
    link_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    link_error = models.TextField(_("last check: error"), blank=True)
    link_failures = models.PositiveSmallIntegerField(
        _("failed checks in a row"), default=0, db_index=True
    )
    # The run that is checking this row now, so two runs never check it twice.
    link_check_claim = models.UUIDField(null=True, blank=True, editable=False)
    link_check_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def link_is_dead(self) -> bool:
        return self.link_failures >= DEAD_AFTER_FAILURES

    @property
    def link_check_url(self) -> str:
        return getattr(self, self.LINK_CHECK_URL_FIELD) or ""


@dataclass(frozen=True)
class LinkResult:
    status_code: int | None
    final_url: str
    error: str

    @property
    def ok(self) -> bool:
        return not self.error and self.status_code is not None and self.status_code < 400


def link_check_models() -> list[type[models.Model]]:
    """Every concrete model that inherits LinkCheckFields, in a stable order."""
    found = [m for m in apps.get_models() if issubclass(m, LinkCheckFields) and not m._meta.abstract]
    return sorted(found, key=lambda m: m._meta.label_lower)


def ids_with_links(model: type[models.Model]) -> list[int]:
    """Ids of the rows that have a link at all; a media appearance may have none."""
    field = model.LINK_CHECK_URL_FIELD
    return list(model._default_manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True}).order_by("pk").values_list("pk", flat=True))


class UnsafeLink(Exception):
    """A link (or a redirect) leads to an address the checker must not visit."""


def fetch_link(url: str, *, session: requests.Session | None = None) -> LinkResult:
    """One check of one URL; never raises for what the network does."""
    session = session or _session()
    timeout = settings.LINK_CHECK_TIMEOUT_SECONDS
    try:
        response = _follow(session, "HEAD", url, timeout)
        if response.status_code in HEAD_REFUSED:
            response.close()
            response = _follow(session, "GET", url, timeout)
        response.close()
        error = "" if response.status_code < 400 else f"HTTP {response.status_code}"
        return LinkResult(status_code=response.status_code, final_url=response.url[:1000], error=error)
    except UnsafeLink as exc:
        return LinkResult(status_code=None, final_url="", error=str(exc)[:2000])
    except requests.Timeout:
        return LinkResult(status_code=None, final_url="", error=f"timeout after {timeout} s")
    except requests.RequestException as exc:
        return LinkResult(status_code=None, final_url="", error=f"{type(exc).__name__}: {exc}"[:2000])


def _follow(session: requests.Session, method: str, url: str, timeout) -> requests.Response:
    """The request, following redirects one by one so that every hop is checked: links are
    typed by branch editors, and neither a link nor a redirect may make the server fetch
    its own network (the cloud metadata address, Redis, the admin on localhost …).

    Each hop resolves its host once: the address that passed the check is the address
    connected to (`_PinnedAdapter`), so a DNS answer that changes between the check and
    the connection (DNS rebinding) cannot lead the checker inside."""
    for _hop in range(MAX_REDIRECTS + 1):
        address = _refuse_private(url)
        adapter = _PinnedAdapter(address)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        response = session.request(method, url, allow_redirects=False, timeout=timeout, stream=True)
        target = session.get_redirect_target(response)
        if not target:
            return response
        response.close()
        url = urljoin(response.url, target)
    raise requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")


def _refuse_private(url: str) -> str:
    """Raise UnsafeLink unless `url` is http(s) to a host whose every address is public;
    return the one address to connect to.

    Development and the bench check links on a local server, so with DEBUG on (or
    LINK_CHECK_ALLOW_PRIVATE_ADDRESSES) private addresses are allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeLink(f"refused: {url[:200]} is not an http(s) address")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeLink(f"refused: {url[:200]} has no valid port") from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise requests.ConnectionError(f"cannot resolve {parts.hostname}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise requests.ConnectionError(f"cannot resolve {parts.hostname}")
    if not getattr(settings, "LINK_CHECK_ALLOW_PRIVATE_ADDRESSES", settings.DEBUG):
        for address in addresses:
            if not address.is_global:
                raise UnsafeLink(f"refused: {parts.hostname} is not a public address")
    return str(addresses[0])


class _PinnedAdapter(HTTPAdapter):
    """Connects to one vetted IP address whatever the URL's host resolves to now, while
    the request keeps the host's name where it matters: the Host header, TLS SNI and the
    certificate check. No proxy: a proxy would resolve the name again."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        hostname = host_params["host"]
        host_params = {**host_params, "host": self.address}
        if host_params["scheme"] == "https":
            pool_kwargs = {**pool_kwargs, "server_hostname": hostname, "assert_hostname": hostname}
        return host_params, pool_kwargs

    def send(self, request, *args, **kwargs):
        parts = urlsplit(request.url)
        default_port = 443 if parts.scheme == "https" else 80
        host = parts.hostname if ":" not in (parts.hostname or "") else f"[{parts.hostname}]"
        request.headers["Host"] = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
        kwargs["proxies"] = {}
        return super().send(request, *args, **kwargs)


def _session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = settings.LINK_CHECK_USER_AGENT
    session.max_redirects = MAX_REDIRECTS
    # Proxies from the environment would resolve the host themselves, past the check.
    session.trust_env = False
    return session


def claim_rows(model: type[models.Model], ids: list[int]) -> tuple[uuid.UUID, list[int]]:
    """Mark the rows as being checked by this run; returns the ids this run got.

    A conditional UPDATE: two runs asking for the same rows at once each get a disjoint
    part, so no link is fetched twice.
    """
    token = uuid.uuid4()
    now = timezone.now()
    free = Q(link_check_claim__isnull=True) | Q(link_check_claimed_at__lt=now - CLAIM_EXPIRES_AFTER)
    model._default_manager.filter(free, pk__in=ids).update(link_check_claim=token, link_check_claimed_at=now)
    claimed = list(model._default_manager.filter(link_check_claim=token).values_list("pk", flat=True))
    return token, claimed


def check_link_batch(*, model: type[models.Model], ids: list[int]) -> dict[int, LinkResult]:
    """Check the links of the rows `ids` of `model` and record each outcome.

    Rows another run is checking are skipped. The fetching runs in a bounded thread pool;
    the database is written only from this thread.
    """
    token, claimed = claim_rows(model, ids)
    if not claimed:
        return {}
    rows = list(model._default_manager.filter(pk__in=claimed))
    results: dict[int, LinkResult] = {}
    workers = max(1, settings.LINK_CHECK_CONCURRENCY)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        # One session per fetch: requests does not promise a shared session is thread-safe.
        futures = {row.pk: pool.submit(fetch_link, row.link_check_url) for row in rows if row.link_check_url}
        allowed = TIMEOUTS_PER_LINK * settings.LINK_CHECK_TIMEOUT_SECONDS
        deadline = time.monotonic() + allowed * math.ceil(len(futures) / workers)
        for pk, future in futures.items():
            try:
                results[pk] = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                results[pk] = LinkResult(status_code=None, final_url="", error=f"no full answer within {allowed} s")
        _record(model, rows, results)
    finally:
        # A fetch still hanging is left to its read timeout; the batch does not wait for it.
        pool.shutdown(wait=False, cancel_futures=True)
        model._default_manager.filter(link_check_claim=token).update(link_check_claim=None, link_check_claimed_at=None)
    logger.info("checked %s links of %s", len(results), model._meta.label)
    return results


@transaction.atomic
def _record(model, rows, results: dict[int, LinkResult]) -> None:
    now = timezone.now()
    changed = []
    for row in rows:
        result = results.get(row.pk)
        if result is None:
            continue
        row.link_status_code = result.status_code
        row.link_final_url = result.final_url
        row.link_error = result.error
        row.link_checked_at = now
        row.link_failures = 0 if result.ok else row.link_failures + 1
        changed.append(row)
    model._default_manager.bulk_update(
        changed, ["link_status_code", "link_final_url", "link_error", "link_checked_at", "link_failures"]
    )
