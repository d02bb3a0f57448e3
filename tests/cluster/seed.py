"""The cluster's starting data, written into the scratch database by a subprocess
(`python -m tests.cluster.seed SECONDS`): the regional organisation and a branch, a
superuser with a verified e-mail to read the attachments, and a giveaway with entries whose
entries close and whose draw fall SECONDS after now. Prints the ids as JSON.

Giveaways are drawn on Fridays (the service refuses other days), so the giveaway is made
for next Friday through the service, and its times are then moved into the run by a plain
UPDATE: the draw itself, the part under test, is untouched."""

import datetime
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from giveaways.models import Giveaway, GiveawayEntry  # noqa: E402
from tests.accounts.factories import UserFactory  # noqa: E402
from tests.branches.factories import OrganisationFactory, RegionalOrganisationFactory  # noqa: E402
from tests.giveaways.factories import make_giveaway  # noqa: E402

STAFF_PASSWORD = "cluster-staff-pass-2026"  # noqa: S105 - a throwaway account of a scratch database


def main(draw_in_seconds: float) -> None:
    regional = RegionalOrganisationFactory()
    branch = OrganisationFactory(slug="temirtau", name_ru="Темиртау", parent=regional)
    staff = UserFactory(username="cluster-admin", is_superuser=True, is_staff=True, password=STAFF_PASSWORD)
    giveaway = make_giveaway(organisation=branch, winner_count=2)
    for n in range(6):
        GiveawayEntry.objects.create(  # eligible: three colleagues tagged, a follower by staff's mark
            giveaway=giveaway, author=f"member_{n}", text="участвую", is_eligible=True, marked_follower=True,
            tagged_handles=[f"friend_{n}_a", f"friend_{n}_b", f"friend_{n}_c"],
        )
    now = timezone.now()
    Giveaway.objects.filter(pk=giveaway.pk).update(
        entries_close_at=now + datetime.timedelta(seconds=draw_in_seconds / 2),
        draw_at=now + datetime.timedelta(seconds=draw_in_seconds),
    )
    print(json.dumps({"giveaway": giveaway.pk, "winner_count": 2, "staff": staff.username, "password": STAFF_PASSWORD}))


if __name__ == "__main__":
    main(float(sys.argv[1]))
