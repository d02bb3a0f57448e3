"""The logging filter that keeps members' tracking codes out of every log line.

A tracking code is the key to an appeal (whoever has it reads the question and the answer),
and it travels in the status page's URL, so anything that logs a path logs the key:
django.request's "Method Not Allowed (GET): /appeal/status/<code>/rate/", "Not Found: …",
the CSRF failure warning, a 500's subject line. Rather than chase each logger, one filter on
every handler (settings.LOGGING) rewrites each record's message and arguments before any
handler formats it: the code becomes "[code]", the rest of the line stays useful.
"""

import logging
import re

from django.utils.log import AdminEmailHandler

REDACTED = "[code]"

# The status URLs (in any language prefix, any host), a lookup's query string, and the
# "code = '…'" line of the GET parameters in an error report.
_PATTERNS = (
    re.compile(r"(/appeal/status/)(?!\[code\])[^/?#\s\"'<>]+"),
    re.compile(r"(\bcode=)(?!\[code\])[^&#\s\"'<>]+"),
    re.compile(r"(\bcode = )'[^'\n]*'"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactTrackingCodes(logging.Filter):
    """Rewrites a record's message (with its arguments merged in) and its traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is, not dropped
            return True
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Format the traceback now, so that the redacted text is what handlers print.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Django's error e-mail to ADMINS, whose report (the request's path, GET parameters,
    META) is built after the filters ran: the finished subject and body are redacted too."""

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = redact(kwargs["html_message"])
        super().send_mail(redact(subject), redact(message), *args, **kwargs)
