"""Signals other apps listen to, so appeals never imports them (the layers contract).

Receivers get the appeal's id only, after the transaction committed; a receiver's failure
is logged and never undoes the staff member's answer.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

from appeals.choices import Status

logger = logging.getLogger(__name__)

# Staff answered an appeal (kwargs: appeal_id). The Telegram bot sends the answer to the chat.
appeal_answered = Signal()
# An appeal was closed (kwargs: appeal_id): it can now be rated; the bot asks for the rating.
appeal_closed = Signal()


def send_on_commit(*, appeal_id: int, status: str) -> None:
    signal = appeal_answered if status == Status.ANSWERED else appeal_closed

    def send():
        for _receiver, result in signal.send_robust(sender="appeals", appeal_id=appeal_id):
            if isinstance(result, Exception):
                logger.error("A receiver of %s failed for appeal %s: %r", status, appeal_id, type(result).__name__)

    transaction.on_commit(send)
