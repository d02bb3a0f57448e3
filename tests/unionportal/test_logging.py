"""Issue 11, item 11: no member's tracking code in any log line, whichever logger writes it."""

import logging

import pytest
from django.test import Client

from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db


def _configured_handlers() -> list[logging.Handler]:
    """Every handler that writes somewhere (pytest's capture handlers and the libraries'
    NullHandlers, which write nothing, left out)."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    handlers = {h for logger in loggers for h in logger.handlers}
    return [
        h
        for h in handlers
        if not isinstance(h, logging.NullHandler) and type(h).__module__.split(".")[0] not in ("_pytest", "pytest")
    ]


def _lines(caplog) -> list[str]:
    """What each configured handler would write for each record caplog captured."""
    lines = []
    for record in caplog.records:
        for handler in _configured_handlers():
            if handler.filter(record):
                lines.append(handler.format(record))
    return lines


def test_every_configured_handler_carries_the_redacting_filter():
    from unionportal.log import RedactTrackingCodes

    handlers = _configured_handlers()
    assert handlers
    for handler in handlers:
        assert any(isinstance(f, RedactTrackingCodes) for f in handler.filters), handler


def test_a_get_on_the_rating_url_logs_no_code(client, caplog):
    code = AppealFactory().tracking_code
    with caplog.at_level(logging.WARNING):
        response = client.get(f"/appeal/status/{code}/rate/")
    assert response.status_code == 405
    assert caplog.records, "Django logs the refused method"
    lines = _lines(caplog)
    assert lines and not [line for line in lines if code in line]
    assert any("/appeal/status/[code]/rate/" in line for line in lines)


def test_a_csrf_failure_on_the_rating_url_logs_no_code(caplog):
    code = AppealFactory().tracking_code
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING):
        response = client.post(f"/kk/appeal/status/{code}/rate/", {"rating": "helped"})
    assert response.status_code == 403
    lines = _lines(caplog)
    assert lines and not [line for line in lines if code in line]


def test_a_wrong_code_in_the_address_or_the_lookup_logs_no_code(client, caplog):
    with caplog.at_level(logging.INFO):
        assert client.get("/appeal/status/NotARealCodeButSecret123/").status_code == 404
        assert client.get("/appeal/status/", {"code": "AnotherSecretCode456"}).status_code == 404
    text = "\n".join(_lines(caplog))
    assert "NotARealCodeButSecret123" not in text and "AnotherSecretCode456" not in text


def test_the_error_e_mail_to_admins_carries_no_code(settings, mailoutbox, rf):
    from unionportal.log import RedactingAdminEmailHandler, RedactTrackingCodes

    settings.ADMINS = [("Admin", "admin@example.invalid")]
    code = AppealFactory().tracking_code
    request = rf.get(f"/appeal/status/{code}/", {"code": code})
    logger = logging.getLogger("tests.redaction")
    handler = RedactingAdminEmailHandler()
    handler.addFilter(RedactTrackingCodes())
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.error("Internal Server Error: %s", request.path, exc_info=True, extra={"status_code": 500, "request": request})
    finally:
        logger.removeHandler(handler)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert code not in message.subject and code not in message.body
    assert "/appeal/status/[code]/" in message.body
