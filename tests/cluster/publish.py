"""A news item published through the service by a process of neither node, as a Celery task
or a third node would (`python -m tests.cluster.publish TITLE`): the nodes' web workers hear
of it only through Redis."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from branches.models import Organisation  # noqa: E402
from publications.choices import Channel, Language  # noqa: E402
from publications.services import publication_create  # noqa: E402


def main(title: str) -> None:
    publication_create(
        title=title,
        text="Профсоюз провёл встречу с педагогами по вопросам защиты трудовых прав.",
        channel=Channel.FACEBOOK,
        organisation=Organisation.objects.get(slug="temirtau"),
        language=Language.RU,
        published_at=timezone.now(),
    )


if __name__ == "__main__":
    main(sys.argv[1])
