"""Writes of the media part. The import and intake go through these; the admin creates and
edits with its ModelForm, which runs the same model rules (clean, constraints) and cleans
the link and the clipping the same way (media_reports.forms.MediaAppearanceAdminForm)."""

import re
from datetime import date as date_type

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from media_reports.models import MediaAppearance, NewspaperSubscription, Outlet, Programme, Speaker
from media_reports.validators import clean_clipping
from unionportal.exceptions import DuplicateError


def normalise_link(link: str) -> str:
    """A pasted link without the spaces people slip into it (`?si =…`)."""
    return re.sub(r"\s+", "", link or "")


@transaction.atomic
def appearance_create(
    *,
    date: date_type,
    outlet: Outlet,
    kind: str,
    title: str,
    organisation,
    programme: Programme | None = None,
    speakers: list[Speaker] | tuple = (),
    language: str = "ru",
    duration_minutes: int | None = None,
    link: str = "",
    clipping=None,
    audience_estimate: int | None = None,
    audience_source: str = "",
) -> MediaAppearance:
    """Record one appearance; refuses a second one with the same outlet, date and title."""
    appearance = MediaAppearance(
        date=date,
        outlet=outlet,
        programme=programme,
        kind=kind,
        title=title.strip(),
        organisation=organisation,
        language=language,
        duration_minutes=duration_minutes,
        link=normalise_link(link),
        audience_estimate=audience_estimate,
        audience_source=audience_source.strip(),
    )
    if clipping:
        appearance.clipping = clean_clipping(clipping)
    existing = MediaAppearance.objects.filter(outlet=outlet, date=date, title=appearance.title).first()
    if existing:
        raise DuplicateError(
            _("This appearance is recorded already."), code="duplicate", extra={"existing": existing}
        )
    appearance.full_clean()
    try:
        with transaction.atomic():
            appearance.save()
    except IntegrityError as exc:  # a concurrent save of the same appearance
        raise DuplicateError(_("This appearance is recorded already."), code="duplicate") from exc
    if speakers:
        appearance.speakers.set(speakers)
    return appearance


@transaction.atomic
def subscription_set(*, organisation, year: int, outlet: Outlet, copies: int) -> NewspaperSubscription:
    """Record how many copies `organisation` subscribed to for `year`; a second call corrects it."""
    subscription = NewspaperSubscription.objects.filter(organisation=organisation, year=year, outlet=outlet).first()
    if subscription is None:
        subscription = NewspaperSubscription(organisation=organisation, year=year, outlet=outlet)
    subscription.copies = copies
    subscription.full_clean()
    subscription.save()
    return subscription
