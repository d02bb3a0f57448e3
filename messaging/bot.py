"""What the bot does with each update from Telegram (by webhook or by long polling).

Each update is handled once (its id is claimed in `ProcessedUpdate`) inside one
transaction: a redelivered update changes nothing, and an update that fails changes nothing
half-way. Replies go into the outbox like every other message. Unknown update types,
group chats and anything the bot cannot read get a short answer where one is owed and are
otherwise ignored; nothing here raises to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from messaging import services
from messaging.choices import NewsMode
from messaging.models import ChatAppeal, NativePoll, ProcessedUpdate, Subscriber
from messaging.telegram import BotClient, TelegramError

logger = logging.getLogger(__name__)

DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}

# Other apps answer their own buttons: prefix -> fn(subscriber, data) returning the short
# text shown to the member. Polls register "poll" here (see docs/messaging.md).
CALLBACK_HANDLERS: dict[str, Callable[[Subscriber, str], str]] = {}


def register_callback(prefix: str, handler: Callable[[Subscriber, str], str]) -> None:
    CALLBACK_HANDLERS[prefix] = handler


def handle_update(update: dict, *, client: BotClient | None = None) -> bool:
    """Handle one update; False when it was seen before or could not be read."""
    update_id = update.get("update_id") if isinstance(update, dict) else None
    if not isinstance(update_id, int):
        return False
    client = client or BotClient()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ProcessedUpdate.objects.create(update_id=update_id)
            except IntegrityError:
                return False
            _dispatch(update, client=client)
    except Exception:
        # Logged without the update: it holds the member's chat and words.
        logger.exception("Telegram update %s could not be handled", update_id)
        _apologise(update)
        return False
    return True


def _apologise(update: dict) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.filter(chat_id=chat_id).first()
            if subscriber is not None:
                services.reply(subscriber, "error")
    except Exception:  # noqa: BLE001 - the database itself may be what failed
        logger.exception("Could not queue an apology for update %s", update.get("update_id"))


def _chat_id(update: dict) -> int | None:
    for key in ("message", "edited_message"):
        chat = (update.get(key) or {}).get("chat") or {}
        if chat.get("type") == "private" and isinstance(chat.get("id"), int):
            return chat["id"]
    callback = update.get("callback_query") or {}
    chat = ((callback.get("message") or {}).get("chat")) or {}
    if chat.get("type") == "private" and isinstance(chat.get("id"), int):
        return chat["id"]
    return None


def _subscriber(chat_id: int, language_code: str | None) -> Subscriber:
    subscriber, _created = Subscriber.objects.get_or_create(
        chat_id=chat_id, defaults={"language": services.language_from(language_code)}
    )
    return subscriber


def _dispatch(update: dict, *, client: BotClient) -> None:
    chat_id = _chat_id(update)
    if "my_chat_member" in update:
        member = update["my_chat_member"]
        chat = member.get("chat") or {}
        if chat.get("type") == "private" and (member.get("new_chat_member") or {}).get("status") == "kicked":
            Subscriber.objects.filter(chat_id=chat.get("id"), blocked_at__isnull=True).update(blocked_at=timezone.now())
        return
    if "poll_answer" in update:
        _poll_answer(update["poll_answer"])
        return
    if chat_id is None:
        return  # a group, a channel, an inline query …: not for this bot
    if "callback_query" in update:
        _callback(update["callback_query"], chat_id=chat_id, client=client, update_id=update["update_id"])
        return
    if "edited_message" in update:
        subscriber = Subscriber.objects.filter(chat_id=chat_id).first()
        if subscriber is not None:
            services.reply(subscriber, "edited")
        return
    message = update.get("message") or {}
    language_code = (message.get("from") or {}).get("language_code")
    text = message.get("text")
    if isinstance(text, str) and text.startswith("/"):
        _command(text, chat_id=chat_id, language_code=language_code)
        return
    subscriber = _subscriber(chat_id, language_code)
    step = subscriber.dialog.get("step")
    if step == "text" and isinstance(text, str):
        _question_text(subscriber, text)
    elif step == "file":
        _question_file(subscriber, message)
    elif isinstance(text, str):
        services.reply(subscriber, "help" if subscriber.consent_at else "welcome")
    else:
        services.reply(subscriber, "not_understood")


def _command(text: str, *, chat_id: int, language_code: str | None) -> None:
    command, _sep, argument = text.partition(" ")
    command = command.split("@", 1)[0].lower()
    if command == "/start":
        services.subscriber_start(chat_id=chat_id, start_param=argument.strip()[:64], language_code=language_code)
        return
    subscriber = _subscriber(chat_id, language_code)
    if command == "/stop":
        services.subscriber_stop(subscriber=subscriber)
    elif command == "/forget":
        # The confirmation must leave before the chat id is erased: sent here, directly.
        with translation.override(subscriber.language):
            confirmation = _("Done: your chat number is erased and the bot will send you nothing more.")
        services.subscriber_erase(subscriber=subscriber)
        transaction.on_commit(lambda: _send_direct(chat_id, confirmation))
    elif command == "/settings":
        services.reply(subscriber, "settings" if subscriber.consent_at else "not_subscribed")
    elif command == "/question":
        Subscriber.objects.filter(pk=subscriber.pk).update(dialog={"step": "topic"})
        services.reply(subscriber, "ask_topic")
    elif command == "/cancel":
        Subscriber.objects.filter(pk=subscriber.pk).update(dialog={})
        services.reply(subscriber, "cancelled")
    else:
        services.reply(subscriber, "help")


def _send_direct(chat_id: int, text: str) -> None:
    try:
        BotClient().send_message(chat_id, text)
    except TelegramError:
        logger.warning("The /forget confirmation could not be sent")


# --- /question ----------------------------------------------------------------------------


def _question_text(subscriber: Subscriber, text: str) -> None:
    from appeals.models import QUESTION_MAX_LENGTH

    text = text.strip()
    if len(text) > QUESTION_MAX_LENGTH:
        services.reply(subscriber, "too_long", length=len(text), limit=QUESTION_MAX_LENGTH)
        return
    if not text:
        services.reply(subscriber, "ask_text")
        return
    dialog = {**subscriber.dialog, "step": "file", "question": text}
    Subscriber.objects.filter(pk=subscriber.pk).update(dialog=dialog)
    services.reply(subscriber, "ask_file")


def _question_file(subscriber: Subscriber, message: dict) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    file_id = kind = None
    if message.get("photo"):
        sizes = [p for p in message["photo"] if isinstance(p, dict) and p.get("file_id")]
        fitting = [p for p in sizes if (p.get("file_size") or 0) <= limit]
        if not fitting:
            services.reply(subscriber, "file_too_large")
            return
        best = max(fitting, key=lambda p: (p.get("width") or 0) * (p.get("height") or 0))
        file_id, kind = best["file_id"], "photo"
    elif message.get("document"):
        document = message["document"]
        if document.get("mime_type") not in DOCUMENT_TYPES:
            services.reply(subscriber, "file_wrong_kind")
            return
        if (document.get("file_size") or 0) > limit:
            services.reply(subscriber, "file_too_large")
            return
        file_id, kind = document.get("file_id"), "document"
    if not file_id:
        services.reply(subscriber, "file_wrong_kind")
        return
    dialog = {**subscriber.dialog, "step": "consent", "file_id": file_id, "file_kind": kind}
    Subscriber.objects.filter(pk=subscriber.pk).update(dialog=dialog)
    services.reply(subscriber, "ask_consent")


def _fetch_attachment(file_id: str, client: BotClient):
    """The member's file, checked like every upload of the portal; raises ValidationError."""
    from unionportal.uploads import PDF_MAGIC, validate_image_upload, validate_pdf_upload

    info = client.get_file(file_id) or {}
    if (info.get("file_size") or 0) > settings.UPLOAD_MAX_BYTES or not info.get("file_path"):
        raise ValidationError(_("The file is too large or cannot be received."))
    data = client.download(info["file_path"], max_bytes=settings.UPLOAD_MAX_BYTES)
    upload = ContentFile(data, name="telegram-upload")
    if data.startswith(PDF_MAGIC):
        return validate_pdf_upload(upload)
    return validate_image_upload(upload).file


def _question_submit(subscriber: Subscriber, *, client: BotClient, update_id: int) -> None:
    from appeals.choices import Channel
    from appeals.services import appeal_submit

    dialog = subscriber.dialog
    if dialog.get("step") != "consent":
        services.reply(subscriber, "help")
        return
    hour_ago = timezone.now() - timezone.timedelta(hours=1)
    if ChatAppeal.objects.filter(subscriber=subscriber, created_at__gte=hour_ago).count() >= settings.APPEAL_RATE_LIMIT_PER_HOUR:
        services.reply(subscriber, "error", message=_("Too many appeals in an hour. Please try again later."))
        return
    attachment = None
    if dialog.get("file_id"):
        try:
            attachment = _fetch_attachment(dialog["file_id"], client)
        except (TelegramError, ValidationError) as exc:
            Subscriber.objects.filter(pk=subscriber.pk).update(dialog={**dialog, "step": "file", "file_id": None})
            if isinstance(exc, ValidationError):
                services.reply(subscriber, "error", message=" ".join(exc.messages))
            services.reply(subscriber, "file_unavailable")
            return
    with translation.override(subscriber.language):
        appeal, _code = appeal_submit(
            topic=dialog["topic"],
            question=dialog["question"],
            consent=True,
            form_token=f"telegram:{update_id}",
            language=subscriber.language,
            branch=subscriber.branch,
            attachment=attachment,
            channel=Channel.TELEGRAM,
        )
    ChatAppeal.objects.create(appeal=appeal, subscriber=subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(dialog={})
    services.reply(subscriber, "appeal_sent", appeal_id=appeal.pk)


# --- Native polls -------------------------------------------------------------------------


def _poll_answer(answer: dict) -> None:
    """A member's vote in a native poll the bot sent, counted once through polls' service
    with the member's one-time code. A retracted vote (no options) leaves the first answer
    counted; a second vote finds the code spent and counts nothing."""
    from polls.selectors import poll_by_id
    from polls.services import response_submit_telegram
    from unionportal.exceptions import ApplicationError

    sent = NativePoll.objects.select_related("subscriber").filter(telegram_poll_id=str(answer.get("poll_id") or "")).first()
    user_id = (answer.get("user") or {}).get("id")
    option_ids = answer.get("option_ids")
    if sent is None or sent.subscriber.chat_id is None or user_id != sent.subscriber.chat_id or not option_ids:
        return
    subscriber = sent.subscriber
    poll = poll_by_id(pk=sent.poll_id)
    if poll is None:
        return
    try:
        with translation.override(subscriber.language):
            response = response_submit_telegram(
                poll=poll, subscriber_id=subscriber.pk, option_ids=option_ids, language=subscriber.language
            )
    except ApplicationError as exc:
        with translation.override(subscriber.language):
            services.reply(subscriber, "error", message=str(exc.message))
        return
    if response is not None:
        services.reply(subscriber, "poll_counted")


# --- Buttons ------------------------------------------------------------------------------


def _callback(callback: dict, *, chat_id: int, client: BotClient, update_id: int) -> None:
    data = str(callback.get("data") or "")
    language_code = (callback.get("from") or {}).get("language_code")
    subscriber = _subscriber(chat_id, language_code)
    toast = ""
    prefix, _sep, rest = data.partition(":")
    if prefix == "lang" and rest in ("ru", "kk"):
        services.subscriber_update(subscriber=subscriber, language=rest)
    elif prefix == "consent":
        services.subscriber_consent(subscriber=subscriber)
    elif prefix == "news" and rest in NewsMode.values and subscriber.consent_at:
        services.subscriber_update(subscriber=subscriber, news_mode=rest)
    elif prefix == "giveaways" and rest in ("on", "off") and subscriber.consent_at:
        services.subscriber_update(subscriber=subscriber, wants_giveaways=rest == "on")
    elif prefix == "topic":
        toast = _choose_topic(subscriber, rest)
    elif prefix == "skip" and subscriber.dialog.get("step") == "file":
        Subscriber.objects.filter(pk=subscriber.pk).update(dialog={**subscriber.dialog, "step": "consent"})
        services.reply(subscriber, "ask_consent")
    elif prefix == "cancel":
        Subscriber.objects.filter(pk=subscriber.pk).update(dialog={})
        services.reply(subscriber, "cancelled")
    elif prefix == "qconsent":
        _question_submit(subscriber, client=client, update_id=update_id)
    elif prefix == "rate":
        toast = _rate(subscriber, rest)
    elif prefix in CALLBACK_HANDLERS:
        toast = CALLBACK_HANDLERS[prefix](subscriber, data)
    _answer_callback(client, callback.get("id"), toast)


def _choose_topic(subscriber: Subscriber, topic: str) -> str:
    from appeals.choices import Topic

    if subscriber.dialog.get("step") != "topic" or topic not in Topic.values:
        with translation.override(subscriber.language):
            return _("Press /question to start again.")
    Subscriber.objects.filter(pk=subscriber.pk).update(dialog={"step": "text", "topic": topic})
    services.reply(subscriber, "ask_text")
    return ""


def _rate(subscriber: Subscriber, rest: str) -> str:
    from appeals.selectors import appeal_by_id
    from appeals.services import appeal_rate
    from unionportal.exceptions import ApplicationError

    appeal_id, _sep, rating = rest.partition(":")
    link = ChatAppeal.objects.filter(subscriber=subscriber, appeal_id=appeal_id if appeal_id.isdigit() else 0).first()
    with translation.override(subscriber.language):
        appeal = appeal_by_id(pk=link.appeal_id) if link is not None else None
        if appeal is None:
            return _("This appeal is not yours.")
        try:
            appeal_rate(appeal=appeal, rating=rating)
        except ApplicationError as exc:
            return str(exc.message)
        return _("Thank you for the rating!")


def _answer_callback(client: BotClient, callback_id, text: str) -> None:
    # Telegram shows a spinner on the button until this answer; best effort, never fatal.
    if not callback_id:
        return
    try:
        client.answer_callback_query(str(callback_id), text)
    except TelegramError:
        logger.info("answerCallbackQuery failed")
