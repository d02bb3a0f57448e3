"""Middleware of the frame that every request passes through."""

import codecs
import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_ASCII_PROBE = "--boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"


def _readable_charset(content_type: str, charset: str) -> bool:
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        return False
    if content_type == "application/x-www-form-urlencoded":
        # A url-encoded body has no charset but UTF-8 (WHATWG URL standard); Django refuses
        # any other, and in DEBUG its error page then fails on the same body (a 500).
        return codec.name in ("utf-8", "ascii")
    # A multipart body is read with the declared charset: fine for any charset that writes
    # ASCII as ASCII (windows-1251 decodes properly), nonsense for UTF-16 or UTF-32, whose
    # boundaries the parser would never find.
    try:
        return _ASCII_PROBE.encode(codec.name) == _ASCII_PROBE.encode("ascii")
    except UnicodeError:
        return False


class FormCharsetMiddleware:
    """Answers 400, in the visitor's language, to a form body declared in a charset the
    portal cannot read, before CSRF, sessions or a view read the body (issue 11, item 14:
    such a body was a 500). Placed after LocaleMiddleware so the message is translated."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        content_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
        charset = params.get("charset")
        if content_type in FORM_TYPES and charset and not _readable_charset(content_type, charset):
            reason = _("The form was sent in an encoding the portal cannot read. Please reload the page and send it again.")
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)


class HeadWithoutBodyMiddleware:
    """A HEAD request gets the GET's status and headers, Content-Length included, and no body
    (RFC 9110). Django leaves that to the server; gunicorn drops the body itself but logs a
    warning for every uptime monitor's HEAD. Outermost, so it sees the final response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD" and not response.streaming:
            # 1xx, 204 and 304 carry no Content-Length of a body (RFC 9110, 8.6).
            if not response.has_header("Content-Length") and response.status_code >= 200 and response.status_code not in (204, 304):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


# What a view's decorators (csp_update, csp_replace, csp_exempt, …) leave on its response.
_PER_VIEW_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
                    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")


@functools.cache
def _policies_from_settings() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, policy, excluded path prefixes) of the enforced and the report-only policy."""
    return tuple(
        (header, build_policy(report_only=report_only), tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()))
        for header, name, report_only in (
            (HEADER, "CONTENT_SECURITY_POLICY", False),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
        )
    )


@receiver(setting_changed)
def _forget_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies_from_settings.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware, with the policy of the settings built once per process.

    The library builds both policies anew for every response (a tenth of the CPU of a page
    served from the cache), yet they are the same string unless a view changes them with a
    decorator or a template asks for a nonce: those responses go the library's way."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, name) for name in _PER_VIEW_POLICY):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages have inline scripts and styles (as the library)
        for header, policy, excluded in _policies_from_settings():
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As the library: a nonce asked for after the header is written is an error, not a
        # silently missing nonce.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
