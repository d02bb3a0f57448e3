"""Signals sent when an appeal comes in, is answered or closed, so that whoever delivers the
news (appeals' own e-mail tasks, the Telegram bot) is not imported by the services: the
services stay below the tasks and the other apps (the layers contract).

Receivers get the appeal's id only, after the transaction committed; a receiver's failure
is logged and never undoes the member's submission or the staff member's answer.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# A new appeal was stored and its e-mails are due (kwargs: appeal_id): appeals/tasks.py
# queues the member's tracking link and the staff notice.
appeal_received = Signal()
# Staff answered an appeal (kwargs: appeal_id, by_email: whether the member gets the answer
# by e-mail). appeals/tasks.py queues the e-mail; the Telegram bot sends it to the chat.
appeal_answered = Signal()
# An appeal was closed (kwargs: appeal_id): it can now be rated; the bot asks for the rating.
appeal_closed = Signal()


def send_on_commit(signal: Signal, *, appeal_id: int, **kwargs) -> None:
    """Send `signal` once the appeal is committed (never for a rolled-back change)."""

    def send():
        for receiver, result in signal.send_robust(sender="appeals", appeal_id=appeal_id, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "A receiver (%s) failed for appeal %s: %r", getattr(receiver, "__name__", receiver), appeal_id, type(result).__name__
                )

    transaction.on_commit(send)
