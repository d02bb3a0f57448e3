from messaging.choices import Kind
from messaging.digest import make_token
from messaging.models import Broadcast
from tests.access import UrlCase
from tests.accounts.factories import UserFactory

URL_CASES = [
    # Telegram's endpoint: nobody logs in; without the bot token and secret it refuses all.
    UrlCase("telegram_webhook", public=True, method="post", ok_statuses=(403,)),
    # Public (printed on stands); 404 while no TELEGRAM_BOT_USERNAME is set, as in the
    # matrix: tests/messaging/test_branch_page.py shows them with a bot.
    UrlCase("messaging:branch_qr", kwargs=lambda w: {"slug": w.branch_a.slug}, public=True, ok_statuses=(404,)),
    UrlCase("messaging:branch_poster", kwargs=lambda w: {"slug": w.branch_a.slug}, public=True, ok_statuses=(404,)),
    # The signed link of the digest e-mail works without a login, for its one person.
    UrlCase("messaging:digest_switch", kwargs=lambda w: {"token": make_token(UserFactory().pk)}, public=True),
]

ADMIN_RECORDS = {
    Broadcast: lambda org: Broadcast.objects.create(kind=Kind.NOTICE, branch=org, text_ru="Объявление"),
}
