"""Messaging's answers to other apps' signals (connected in `MessagingConfig.ready`)."""

from django.dispatch import receiver

from appeals.signals import appeal_answered, appeal_closed
from messaging import services
from messaging.choices import Kind


@receiver(appeal_answered, dispatch_uid="messaging-appeal-answered")
def send_answer_to_chat(sender, *, appeal_id: int, **kwargs):
    services.deliver_appeal_message(appeal_id=appeal_id, kind=Kind.ANSWER)


@receiver(appeal_closed, dispatch_uid="messaging-appeal-closed")
def ask_chat_for_rating(sender, *, appeal_id: int, **kwargs):
    services.deliver_appeal_message(appeal_id=appeal_id, kind=Kind.RATE)
