from django.core.management.base import BaseCommand

from messaging import sending


class Command(BaseCommand):
    help = "Send what waits in the Telegram outbox (the every-minute job)."

    def handle(self, *args, **options):
        report = sending.outbox_send()
        if report.busy:
            self.stdout.write("Another sender is at work; nothing to do.")
        self.stdout.write(f"sent {report.sent}, blocked {report.blocked}, failed {report.failed}, later {report.deferred}")
