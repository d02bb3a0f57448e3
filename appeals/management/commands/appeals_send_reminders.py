from django.core.management.base import BaseCommand

from appeals import services


class Command(BaseCommand):
    help = "Send e-mails held back by a broker outage, then each assignee's overdue and due-soon appeals (once a day)."

    def handle(self, *args, **options):
        pending = services.send_pending_notifications()
        reminders = services.send_overdue_reminders()
        self.stdout.write(f"Pending e-mails sent: {pending}; reminders sent: {reminders}")
