import time

from django.core.management.base import BaseCommand, CommandError

from messaging import bot, sending
from messaging.telegram import BotClient, TelegramError


class Command(BaseCommand):
    help = (
        "Long-polling mode for a laptop: receive updates with getUpdates and send the outbox, "
        "without a public address or a webhook. Ctrl-C stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one poll, then send and stop (for tests)")
        parser.add_argument("--timeout", type=int, default=25)

    def handle(self, *args, once=False, timeout=25, **options):
        client = BotClient()
        if not client.config.enabled:
            raise CommandError("TELEGRAM_BOT_TOKEN is not set: the bot is off.")
        offset = None
        while True:
            try:
                updates = client.get_updates(offset=offset, timeout=0 if once else timeout) or []
            except TelegramError as exc:
                if exc.code == 409:
                    raise CommandError("A webhook is set: run `manage.py messaging_set_webhook --delete` first.") from None
                self.stderr.write(f"getUpdates failed ({exc.code}); retrying in 5 s")
                time.sleep(5)
                continue
            for update in updates:
                bot.handle_update(update, client=client)
                offset = max(offset or 0, int(update.get("update_id", 0)) + 1)
            sending.outbox_send(client=client, max_seconds=20)
            if once:
                if offset is not None:
                    client.get_updates(offset=offset, timeout=0)  # confirm what was handled
                return
