"""The weekly e-mail digest for branch chairs and staff: new appeals, overdue ones, what
was published and the next giveaway, each person's view scoped to what they may see.
A plain-text and an HTML part; a signed link in each turns it off without a login."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from messaging.models import DigestLog, DigestPreference
from messaging.selectors import scoped

logger = logging.getLogger(__name__)

TOKEN_SALT = "messaging.digest-switch"  # noqa: S105 - a signing salt, not a secret


def make_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=TOKEN_SALT, compress=True)


def read_token(token: str) -> int:
    return int(signing.loads(token, salt=TOKEN_SALT))


def preference_for(user_id: int) -> DigestPreference | None:
    from accounts.models import User

    if not User.objects.filter(pk=user_id, is_active=True).exists():
        return None
    preference, _created = DigestPreference.objects.get_or_create(user_id=user_id)
    return preference


@transaction.atomic
def preference_set(*, user_id: int, weekly_email: bool) -> DigestPreference:
    preference, _created = DigestPreference.objects.select_for_update().get_or_create(user_id=user_id)
    if preference.weekly_email != weekly_email:
        preference.weekly_email = weekly_email
        preference.save(update_fields=["weekly_email", "changed_at"])
    return preference


def recipients():
    from accounts.models import User

    return (
        User.objects.filter(is_active=True, groups__name__in=[Role.CHAIR, Role.REGIONAL_STAFF, Role.BRANCH_EDITOR])
        .exclude(email="")
        .exclude(digest_preference__weekly_email=False)
        .distinct()
        .order_by("pk")
    )


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def digest_context(*, user, today: datetime.date) -> dict:
    from appeals.choices import OPEN_STATUSES
    from appeals.selectors import all_appeals
    from giveaways.selectors import coming_giveaways
    from publications.selectors import publications_published_since

    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time.min))
    appeals = scoped(all_appeals(), user)
    published = scoped(publications_published_since(since=since), user)
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return {
        "user": user,
        "today": today,
        "since": since.date(),
        "new_appeals": appeals.filter(received_at__gte=since).count(),
        "overdue_appeals": appeals.filter(status__in=OPEN_STATUSES, due_date__lt=today).count(),
        "published_count": published.count(),
        "published": list(published.order_by("-published_at")[:10]),
        "next_giveaway": scoped(coming_giveaways(), user).first(),
        "open_polls": open_polls(user),
        "admin_url": base + reverse("admin:index"),
        "switch_url": base + reverse("messaging:digest_switch", args=[make_token(user.pk)]),
    }


def open_polls(user) -> list[dict]:
    """The polls open now that the user's organisation can answer (the region's own staff:
    the region-wide polls), each with the link of its branch where it has one."""
    from branches.choices import OrganisationKind
    from branches.models import Organisation
    from branches.scoping import user_organisation_id
    from polls.selectors import open_polls_for, unit_for_link

    organisation_id = user_organisation_id(user)
    organisation = (
        Organisation.objects.filter(pk=organisation_id).first()
        if organisation_id
        else Organisation.objects.filter(kind=OrganisationKind.REGIONAL).first()
    )
    if organisation is None:
        return []
    base = settings.PORTAL_BASE_URL.rstrip("/")
    result = []
    for poll in open_polls_for(organisation)[:10]:
        unit = unit_for_link(poll, organisation.slug) if organisation.kind != OrganisationKind.REGIONAL else None
        path = reverse("polls:unit", args=[poll.slug, unit.slug]) if unit else reverse("polls:answer", args=[poll.slug])
        result.append({"title": poll.title, "closes_at": poll.closes_at, "url": base + path})
    return result


def send_weekly_digests(*, today: datetime.date | None = None) -> int:
    """One digest a week per person; the unique (person, week) row is the claim."""
    today = today or timezone.localdate()
    week = week_start(today)
    sent = 0
    for user in recipients():
        try:
            with transaction.atomic():
                log = DigestLog.objects.create(user=user, week=week)
        except IntegrityError:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            context = digest_context(user=user, today=today)
            subject = " ".join(render_to_string("emails/messaging_weekly_subject.txt", context).split())
            text = render_to_string("emails/messaging_weekly_body.txt", context)
            html = render_to_string("emails/messaging_weekly_body.html", context)
        mail = EmailMultiAlternatives(subject, text, None, [user.email], headers={"List-Unsubscribe": f"<{context['switch_url']}>"})
        mail.attach_alternative(html, "text/html")
        try:
            mail.send()
        except Exception:
            log.delete()  # released: the next run sends it
            raise
        sent += 1
    return sent
