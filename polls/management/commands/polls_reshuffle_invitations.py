"""`python manage.py polls_reshuffle_invitations`: the scheduled job, by hand."""

from django.core.management.base import BaseCommand

from polls.tasks import reshuffle_used_invitations


class Command(BaseCommand):
    help = "Rewrite the used invitation codes of open polls in a random order (keeps answers unlinkable)."

    def handle(self, *args, **options):
        count = reshuffle_used_invitations()
        self.stdout.write(f"{count} used codes rewritten")
