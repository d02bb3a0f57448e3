from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import translation

from messaging import texts
from messaging.telegram import BotClient, TelegramError


class Command(BaseCommand):
    help = "Point Telegram at this portal's webhook (production), or --delete it (to poll from a laptop)."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true")

    def handle(self, *args, delete=False, **options):
        client = BotClient()
        if not client.config.enabled:
            raise CommandError("TELEGRAM_BOT_TOKEN is not set: the bot is off.")
        try:
            if delete:
                client.delete_webhook()
                self.stdout.write("Webhook deleted; run `manage.py messaging_poll` to receive updates.")
                return
            if not settings.TELEGRAM_WEBHOOK_SECRET:
                raise CommandError("Set TELEGRAM_WEBHOOK_SECRET first (1-256 characters: A-Z, a-z, 0-9, _ and -).")
            url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("telegram_webhook")
            client.set_webhook(url, secret_token=settings.TELEGRAM_WEBHOOK_SECRET)
            # The chat's command menu in each language the bot speaks (Russian by default).
            for language in ("ru", "kk"):
                with translation.override(language):
                    menu = texts.command_menu()
                client.set_my_commands(menu, language_code=language)
                if language == "ru":
                    client.set_my_commands(menu)
            me = client.get_me() or {}
        except TelegramError as exc:
            raise CommandError(f"Telegram refused: {exc.description}") from None
        self.stdout.write(f"Webhook set to {url} for @{me.get('username', '?')}.")
