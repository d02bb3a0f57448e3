"""The one HTTP client to the outside world (Meta's Graph API, YouTube's feeds).

Every call has a timeout and retries with backoff; Meta's usage headers (`X-App-Usage`,
`X-Business-Use-Case-Usage`) slow the caller down before Meta throttles it; an error
object (`{"error": {"code": 190, ...}}`) becomes an `OutsideError` whose `kind` tells the
connector what to do. Base URLs come from settings, so tests point them at local fake
servers. Access tokens never reach a log line: only the path is logged, never the query.

Tokens are stored encrypted with Fernet (a key from the environment, MEDIA_TOKEN_KEY).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _

from unionportal.exceptions import ApplicationError

logger = logging.getLogger(__name__)

# Graph API error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
AUTH_CODES = {102, 190}  # the token expired, was revoked or is invalid
RATE_CODES = {4, 17, 32, 613, 80001, 80002, 80004}  # app, user, page, custom and BUC limits
TRANSIENT_CODES = {1, 2}  # unknown / service temporarily unavailable

AUTH, RATE, TRANSIENT, CLIENT, BAD_BODY, TOO_LARGE = "auth", "rate", "transient", "client", "bad_body", "too_large"

# Tests replace this to record the pauses instead of sleeping.
sleep = time.sleep


class OutsideError(Exception):
    """A call to the outside world failed; `kind` is one of AUTH, RATE, TRANSIENT, CLIENT,
    BAD_BODY, TOO_LARGE. `detail` holds no token and no personal data."""

    def __init__(self, detail: str, *, kind: str, code: int | None = None, status: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.kind = kind
        self.code = code
        self.status = status

    @property
    def is_auth(self) -> bool:
        return self.kind == AUTH


# --- tokens ------------------------------------------------------------------------------


def _fernet() -> Fernet:
    key = getattr(settings, "MEDIA_TOKEN_KEY", "")
    if not key:
        raise ApplicationError(
            _("The token cannot be stored: MEDIA_TOKEN_KEY is not set on the server. Ask the administrator to set it."),
            code="no_key",
        )
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError) as exc:
        raise ApplicationError(
            _("The token cannot be stored: MEDIA_TOKEN_KEY is not a valid key."), code="bad_key"
        ) from exc


def token_encrypt(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def token_decrypt(blob: str) -> str:
    try:
        return _fernet().decrypt(blob.encode()).decode()
    except InvalidToken as exc:
        raise ApplicationError(_("The stored token cannot be read with the current key."), code="bad_key") from exc


# --- usage headers -----------------------------------------------------------------------


def usage_percent(headers) -> int:
    """The highest figure Meta reports in its usage headers (0–100+), 0 when absent or unreadable."""
    highest = 0
    for name in ("X-App-Usage", "X-Ad-Account-Usage", "X-Business-Use-Case-Usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        values = []
        if isinstance(data, dict) and name == "X-Business-Use-Case-Usage":
            for items in data.values():
                for item in items if isinstance(items, list) else []:
                    if isinstance(item, dict):
                        values += [item.get(k) for k in ("call_count", "total_cputime", "total_time")]
        elif isinstance(data, dict):
            values = [data.get(k) for k in ("call_count", "total_cputime", "total_time", "acc_id_util_pct")]
        for value in values:
            if isinstance(value, int | float) and value > highest:
                highest = int(value)
    return highest


# --- the client --------------------------------------------------------------------------


class Client:
    """Calls one service at `base_url` with timeouts, retries and usage-aware pauses."""

    def __init__(self, *, base_url: str, token: str = "", session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.session = session or requests.Session()
        self.timeout = settings.OUTSIDE_TIMEOUT_SECONDS
        self.retries = settings.OUTSIDE_RETRIES
        self.backoff = settings.OUTSIDE_BACKOFF_SECONDS
        self.calls = 0
        self.paused = 0.0

    # Helpers ---------------------------------------------------------------------------
    def _url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            # A `paging.next` link: followed only on our own service, its token dropped.
            parts = urlsplit(path_or_url)
            base = urlsplit(self.base_url)
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
                raise OutsideError("a paging link points at another host", kind=CLIENT)
            query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "access_token"])
            return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def _pause_for_usage(self, headers) -> None:
        percent = usage_percent(headers)
        threshold = settings.OUTSIDE_USAGE_SLOWDOWN_PERCENT
        if percent >= threshold:
            # The closer to 100 %, the longer the pause, so the job finishes under the limit.
            pause = settings.OUTSIDE_USAGE_PAUSE_SECONDS * (1 + (percent - threshold) / max(1, 100 - threshold))
            logger.info("usage at %s%%, pausing %.1f s", percent, pause)
            self.paused += pause
            sleep(pause)

    @staticmethod
    def _graph_error(response) -> OutsideError | None:
        try:
            body = response.json()
        except ValueError:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return None
        code = error.get("code")
        code = code if isinstance(code, int) else None
        if code in AUTH_CODES or error.get("type") == "OAuthException" and code is None:
            kind = AUTH
        elif code in RATE_CODES:
            kind = RATE
        elif code in TRANSIENT_CODES or response.status_code >= 500:
            kind = TRANSIENT
        else:
            kind = CLIENT
        # Meta's message names the error, never the token; cut it short all the same.
        message = str(error.get("message", ""))[:200]
        return OutsideError(f"Graph API error {code}: {message}", kind=kind, code=code, status=response.status_code)

    def _request(self, url: str, params: dict, *, stream: bool = False) -> requests.Response:
        path = urlsplit(url).path
        attempt = 0
        while True:
            attempt += 1
            self.calls += 1
            try:
                response = self.session.get(url, params=params, timeout=self.timeout, stream=stream)
            except requests.RequestException as exc:
                error = OutsideError(f"{path}: {type(exc).__name__}", kind=TRANSIENT)
            else:
                if response.status_code < 400:
                    self._pause_for_usage(response.headers)
                    return response
                error = self._graph_error(response) or OutsideError(
                    f"{path}: HTTP {response.status_code}",
                    kind=TRANSIENT if response.status_code >= 500 or response.status_code == 429 else CLIENT,
                    status=response.status_code,
                )
                if response.status_code in (401, 403) and error.kind == CLIENT and error.code is None:
                    error.kind = AUTH
            if error.kind not in (TRANSIENT, RATE) or attempt > self.retries:
                logger.warning("outside call failed: %s (%s, attempt %s)", error.detail, error.kind, attempt)
                raise error
            pause = self.backoff * (2 ** (attempt - 1)) * (4 if error.kind == RATE else 1)
            logger.info("outside call to %s will be retried in %.1f s (%s)", path, pause, error.kind)
            self.paused += pause
            sleep(pause)

    # API -------------------------------------------------------------------------------
    def get_json(self, path: str, params: dict | None = None) -> dict:
        params = dict(params or {})
        if self.token:
            params["access_token"] = self.token
        url = self._url(path)
        for attempt in range(self.retries + 1):
            response = self._request(url, params)
            try:
                body = response.json()
            except ValueError:
                # A body cut short in transit: try again, then give up without storing anything.
                if attempt < self.retries:
                    sleep(self.backoff)
                    continue
                raise OutsideError(f"{urlsplit(url).path}: the answer is not complete JSON", kind=BAD_BODY) from None
            if not isinstance(body, dict):
                raise OutsideError(f"{urlsplit(url).path}: the answer is not a JSON object", kind=BAD_BODY)
            return body
        raise AssertionError("unreachable")

    def get_text(self, path: str, params: dict | None = None) -> str:
        response = self._request(self._url(path), dict(params or {}))
        return response.text

    def get_bytes(self, url: str, *, max_bytes: int) -> bytes:
        """Download a file (an image from Meta's CDN), refusing more than `max_bytes`."""
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True)
        except requests.RequestException as exc:
            raise OutsideError(f"download: {type(exc).__name__}", kind=TRANSIENT) from exc
        with response:
            if response.status_code >= 400:
                raise OutsideError(f"download: HTTP {response.status_code}", kind=CLIENT, status=response.status_code)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise OutsideError("download: the file is too large", kind=TOO_LARGE)
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise OutsideError("download: the file is too large", kind=TOO_LARGE)
                chunks.append(chunk)
        return b"".join(chunks)

    def paginate(self, path: str, params: dict | None = None, *, max_pages: int | None = None) -> Iterator[dict]:
        """Every item of an edge, following `paging.next` (cursor-based) page after page."""
        pages = 0
        next_url: str | None = path
        next_params = params
        while next_url:
            body = self.get_json(next_url, next_params)
            data = body.get("data")
            if not isinstance(data, list):
                raise OutsideError(f"{urlsplit(self._url(path)).path}: no data list", kind=BAD_BODY)
            yield from (item for item in data if isinstance(item, dict))
            pages += 1
            if max_pages is not None and pages >= max_pages:
                return
            paging = body.get("paging") or {}
            next_url = paging.get("next") if isinstance(paging, dict) else None
            next_params = None


def graph_client(token: str) -> Client:
    return Client(base_url=f"{settings.GRAPH_API_BASE_URL.rstrip('/')}/{settings.GRAPH_API_VERSION}", token=token)


def youtube_client() -> Client:
    return Client(base_url=settings.YOUTUBE_FEED_BASE_URL)
