"""The Telegram Bot API, spoken over plain HTTPS with `requests`.

Why not python-telegram-bot or aiogram: both are asyncio libraries, and everything here
runs in Celery's synchronous workers and in Django views, where each call would need an
event loop of its own; their rate limiters count per process, while our limits must hold
across workers (see `messaging.sending`). The handful of methods the bot uses are plain
JSON over HTTPS, documented at https://core.telegram.org/bots/api, so a small client we can
point at a local fake server (`TELEGRAM_API_BASE_URL`) is the smaller dependency.

Nothing here logs a chat id, a text or the token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import requests
from django.conf import settings

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "poll_answer"]


class TelegramError(Exception):
    """Telegram answered `ok: false`, or could not be reached."""

    def __init__(self, description: str, *, code: int = 0, retry_after: float | None = None, maybe_sent: bool = False):
        super().__init__(description)
        self.description = description
        self.code = code
        self.retry_after = retry_after
        # The request left but no answer came back: it may have been delivered.
        self.maybe_sent = maybe_sent

    @property
    def is_blocked(self) -> bool:
        # 403: "Forbidden: bot was blocked by the user", "... user is deactivated" and the like.
        return self.code == 403

    @property
    def is_unreachable(self) -> bool:
        return self.code == 0


@dataclass(frozen=True)
class BotConfig:
    token: str
    base_url: str
    username: str

    @property
    def enabled(self) -> bool:
        return bool(self.token)


def bot_config() -> BotConfig:
    return BotConfig(
        token=settings.TELEGRAM_BOT_TOKEN,
        base_url=settings.TELEGRAM_API_BASE_URL.rstrip("/"),
        username=settings.TELEGRAM_BOT_USERNAME,
    )


def bot_enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


class BotClient:
    """One bot's connection to the API; reuse it for many calls (keep-alive)."""

    def __init__(self, config: BotConfig | None = None, *, timeout: float = 15.0):
        self.config = config or bot_config()
        self.timeout = timeout
        self.session = requests.Session()

    def call(self, method: str, /, *, http_timeout: float | None = None, **params):
        if not self.config.enabled:
            raise TelegramError("The bot token is not set.")
        body = {key: value for key, value in params.items() if value is not None}
        for key in ("reply_markup", "allowed_updates", "options"):
            if key in body and not isinstance(body[key], str):
                body[key] = json.dumps(body[key], ensure_ascii=False)
        url = f"{self.config.base_url}/bot{self.config.token}/{method}"
        try:
            response = self.session.post(url, data=body, timeout=http_timeout or self.timeout)
            data = response.json()
        except requests.ReadTimeout:
            raise TelegramError("Telegram did not answer in time.", maybe_sent=True) from None
        except (requests.RequestException, ValueError) as exc:
            # The exception's text may hold the URL, and the URL holds the token.
            raise TelegramError(f"Telegram could not be reached ({type(exc).__name__}).") from None
        if not isinstance(data, dict):
            raise TelegramError("Telegram sent an unexpected answer.", code=response.status_code)
        if data.get("ok"):
            return data.get("result")
        parameters = data.get("parameters") or {}
        raise TelegramError(
            str(data.get("description", ""))[:200],
            code=int(data.get("error_code") or response.status_code),
            retry_after=parameters.get("retry_after"),
        )

    def download(self, file_path: str, *, max_bytes: int) -> bytes:
        """A file from `getFile`'s `file_path`, refusing more than `max_bytes`."""
        url = f"{self.config.base_url}/file/bot{self.config.token}/{file_path}"
        try:
            with self.session.get(url, stream=True, timeout=self.timeout) as response:
                if response.status_code != 200:
                    raise TelegramError("The file could not be downloaded.", code=response.status_code)
                chunks, size = [], 0
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TelegramError("The file is too large.", code=413)
                    chunks.append(chunk)
                return b"".join(chunks)
        except requests.RequestException:
            raise TelegramError("Telegram could not be reached.") from None

    # The methods the portal uses, named as in the Bot API.
    def send_message(self, chat_id: int, text: str, *, reply_markup=None, disable_preview: bool = True):
        return self.call(
            "sendMessage",
            chat_id=chat_id,
            text=text,
            parse_mode="HTML",
            reply_markup=reply_markup,
            link_preview_options=json.dumps({"is_disabled": disable_preview}),
        )

    def send_poll(self, chat_id: int, *, question: str, options: list[str], is_anonymous: bool = False,
                  allows_multiple_answers: bool = False):
        # Bot API 7.3+: options are InputPollOption objects.
        return self.call(
            "sendPoll",
            chat_id=chat_id,
            question=question,
            options=[{"text": option} for option in options],
            is_anonymous=json.dumps(is_anonymous),
            allows_multiple_answers=json.dumps(allows_multiple_answers),
        )

    def answer_callback_query(self, callback_query_id: str, text: str = ""):
        return self.call("answerCallbackQuery", callback_query_id=callback_query_id, text=text or None)

    def get_updates(self, *, offset: int | None, timeout: int = 25):
        # The HTTP timeout outlasts the long poll, or every quiet poll would end in an error.
        return self.call(
            "getUpdates",
            http_timeout=timeout + 10,
            offset=offset,
            timeout=timeout,
            allowed_updates=ALLOWED_UPDATES,
        )

    def get_file(self, file_id: str):
        return self.call("getFile", file_id=file_id)

    def get_me(self):
        return self.call("getMe")

    def set_webhook(self, url: str, *, secret_token: str):
        return self.call(
            "setWebhook",
            url=url,
            secret_token=secret_token,
            allowed_updates=ALLOWED_UPDATES,
        )

    def set_my_commands(self, commands: list[dict], *, language_code: str = ""):
        return self.call("setMyCommands", commands=json.dumps(commands, ensure_ascii=False), language_code=language_code or None)

    def delete_webhook(self):
        return self.call("deleteWebhook")
