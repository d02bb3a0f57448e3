"""Every write to the publications log: quick entry from a link, create, update, images.

The admin, the staff pages, the import and the demo all call these, so the rules (one
record per link, a branch editor writes only for their organisations, images checked
by content) hold everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.roles import is_regional
from branches.models import Organisation
from branches.scoping import visible_organisation_ids
from publications.choices import PLATFORM_CHANNELS, Channel, Language
from publications.models import Publication, PublicationImage
from publications.selectors import find_by_url
from unionportal.caching import bump
from unionportal.exceptions import AccessDenied, ApplicationError, DuplicateError
from unionportal.uploads import CleanImage, make_thumbnail, validate_image_upload

# Fields a service accepts; anything else is a programming error.
PUBLICATION_FIELDS = {
    "published_at",
    "title",
    "text",
    "channel",
    "organisation",
    "social_page",
    "rubric",
    "language",
    "url",
    "views",
    "likes",
    "comments",
    "shares",
}
TRACKING_PARAMS = {
    "mibextid",
    "igsh",
    "igshid",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "hl",
    "fbclid",
    "si",
    "rdid",
    "share_url",
}


def normalise_url(url: str) -> str:
    """The canonical form of a post's link, so the same post pasted twice is recognised.

    The registry's normaliser (branches) is the reference; the local fallback strips the
    tracking parameters the report's links carry (mibextid, igsh, utm_*, hl …).
    """
    url = (url or "").strip()
    if not url:
        return ""
    try:
        from branches.normalise import normalise_social_url
    except ImportError:
        normalise_social_url = None
    if normalise_social_url is not None:
        try:
            normalised = normalise_social_url(url)
        except Exception:  # noqa: BLE001 - a link the registry cannot read is kept as typed
            normalised = None
        # It returns a NormalisedLink (its `.url` is canonical).
        normalised = getattr(normalised, "url", normalised)
        if normalised:
            return normalised
    return _fallback_normalise(url)


def _fallback_normalise(url: str) -> str:
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if host.startswith(("m.", "web.")):
        host = "www." + host.split(".", 1)[1]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in TRACKING_PARAMS]
    path = parts.path or "/"
    return urlunsplit(("https", host, path, urlencode(query), ""))


def _social_page_for_url(url: str):
    try:
        from branches.selectors import social_page_for_url
    except ImportError:
        return None
    try:
        return social_page_for_url(url)
    except Exception:  # noqa: BLE001 - recognition is a convenience; a failure leaves the fields empty
        return None


@dataclass
class Recognised:
    """What quick entry learned from a pasted link."""

    url: str
    social_page: Any = None
    organisation: Any = None
    channel: str = ""
    duplicate: Publication | None = None
    initial: dict = field(default_factory=dict)


def publication_recognise_url(*, url: str) -> Recognised:
    """Normalise a pasted link and find its page, organisation, channel and any duplicate."""
    normalised = normalise_url(url)
    page = _social_page_for_url(url) if normalised else None
    channel = ""
    if page is not None:
        channel = PLATFORM_CHANNELS.get(page.platform, "")
    elif normalised:
        host = urlsplit(normalised).netloc.lower()
        for needle, guess in (
            ("facebook.com", Channel.FACEBOOK),
            ("fb.com", Channel.FACEBOOK),
            ("instagram.com", Channel.INSTAGRAM),
            ("t.me", Channel.TELEGRAM),
            ("telegram", Channel.TELEGRAM),
            ("whatsapp.com", Channel.WHATSAPP),
        ):
            if needle in host:
                channel = guess
                break
    duplicate = find_by_url(normalised)
    organisation = page.organisation if page is not None else None
    initial = {
        "url": normalised,
        "published_at": timezone.localtime().replace(second=0, microsecond=0),
        "language": Language.RU,
    }
    if page is not None:
        initial["social_page"] = page.pk
        initial["organisation"] = page.organisation_id
    if channel:
        initial["channel"] = channel
    return Recognised(
        url=normalised,
        social_page=page,
        organisation=organisation,
        channel=channel,
        duplicate=duplicate,
        initial=initial,
    )


def duplicate_message(existing: Publication) -> str:
    """A message naming the record that already holds the link, with a link to it."""
    link = reverse("admin:publications_publication_change", args=[existing.pk])
    return format_html(
        _('This link is already logged: <a href="{}">{}</a> ({}).'),
        link,
        existing.title,
        timezone.localtime(existing.published_at).strftime("%d.%m.%Y"),
    )


def _check_organisation(user, organisation) -> None:
    if user is None or is_regional(user):
        return
    ids = visible_organisation_ids(user)
    if organisation is None or not ids.filter(pk=organisation.pk).exists():
        raise AccessDenied(_("You may log publications only for your own organisation."), code="scope")


def _apply(publication: Publication, fields: dict) -> list[str]:
    unknown = set(fields) - PUBLICATION_FIELDS - {"topics"}
    if unknown:
        raise TypeError(f"unknown publication fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "topics":
            continue
        if name in {"title", "text"} and isinstance(value, str):
            value = value.strip()
        setattr(publication, name, value)
    if "url" in fields:
        publication.url = normalise_url(publication.url or "")
    # A page from the registry names its organisation; take it when none was chosen.
    if publication.social_page_id and not publication.organisation_id:
        publication.organisation = publication.social_page.organisation
    if isinstance(publication.published_at, dt.date) and not isinstance(publication.published_at, dt.datetime):
        publication.published_at = timezone.make_aware(dt.datetime.combine(publication.published_at, dt.time(12, 0)))
    return list(fields)


def publication_check_page(*, social_page, organisation) -> None:
    """A post appears on a page of its organisation (or of one of its primary organisations)."""
    if social_page is None or organisation is None:
        return
    page_org = social_page.organisation
    if not Organisation.objects.family(organisation).filter(pk=page_org.pk).exists():
        raise ValidationError(
            {"social_page": _("This page belongs to another organisation: %(name)s.") % {"name": page_org.name}}
        )


def _validate(publication: Publication) -> None:
    if publication.url:
        existing = find_by_url(publication.url, exclude=publication)
        if existing is not None:
            raise DuplicateError(duplicate_message(existing), code="duplicate_url", extra={"existing": existing})
    publication_check_page(
        social_page=publication.social_page if publication.social_page_id else None,
        organisation=publication.organisation if publication.organisation_id else None,
    )
    publication.full_clean(validate_unique=False, validate_constraints=False)


def _save(publication: Publication) -> None:
    try:
        with transaction.atomic():
            publication.save()
    except IntegrityError as exc:
        # Two people pasting the same link at once: the unique constraint decides.
        existing = find_by_url(publication.url)
        if existing is not None:
            raise DuplicateError(
                duplicate_message(existing), code="duplicate_url", extra={"existing": existing}
            ) from exc
        raise


@transaction.atomic
def publication_create(*, user=None, topics=None, **fields) -> Publication:
    """Log a publication. Raises DuplicateError for a link already logged, AccessDenied
    when a branch editor writes for another organisation, ValidationError for bad fields."""
    publication = Publication(created_by=user if user is not None and user.is_authenticated else None)
    _apply(publication, fields)
    _check_organisation(user, publication.organisation if publication.organisation_id else None)
    _validate(publication)
    _save(publication)
    if topics:
        publication.topics.set(topics)
    return publication


@transaction.atomic
def publication_update(*, publication: Publication, user=None, topics=None, **fields) -> Publication:
    _check_organisation(user, publication.organisation)
    _apply(publication, fields)
    _check_organisation(user, publication.organisation)
    _validate(publication)
    _save(publication)
    if topics is not None:
        publication.topics.set(topics)
    return publication


@transaction.atomic
def publications_create_many(*, user=None, rows: list[dict]) -> list[Publication]:
    """Log several publications at once (a month on one screen): all or none.

    Raises ApplicationError whose `extra["errors"]` maps the row index to its messages.
    """
    created, errors = [], {}
    seen_urls: dict[str, int] = {}
    for index, row in enumerate(rows):
        url = normalise_url(row.get("url") or "")
        if url and url in seen_urls:
            errors[index] = [_("The same link is in row %(row)s.") % {"row": seen_urls[url] + 1}]
            continue
        if url:
            seen_urls[url] = index
        try:
            with transaction.atomic():
                created.append(publication_create(user=user, **row))
        except ApplicationError as exc:
            errors[index] = [str(exc.message)]
        except ValidationError as exc:
            errors[index] = _validation_messages(exc)
    if errors:
        transaction.set_rollback(True)
        raise ApplicationError(
            _("Nothing was saved: correct the rows marked below."), code="rows", extra={"errors": errors}
        )
    return created


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in exc.message_dict.items()]
    return [str(m) for m in exc.messages]


def _store_image_files(image: PublicationImage, file) -> None:
    """Put the file on `image` re-encoded without EXIF, with its thumbnail. `file` is an
    upload (checked by content here) or a `CleanImage` a form has just checked."""
    clean = file if isinstance(file, CleanImage) else validate_image_upload(file)
    thumb = make_thumbnail(clean)
    clean.file.seek(0)
    image.image.save(clean.file.name, clean.file, save=False)
    image.thumbnail.save(thumb.name, thumb, save=False)


@transaction.atomic
def publication_add_image(
    *, publication: Publication, file, caption: str = "", position: int | None = None, user=None
) -> PublicationImage:
    """Attach an image: checked by content, re-encoded without EXIF, with a thumbnail; last
    unless `position` says where. The admin's image rows, intake and the tests call this.

    Raises ValidationError (nothing stored) when the file is refused.
    """
    _check_organisation(user, publication.organisation)
    image = PublicationImage(
        publication=publication,
        caption=caption.strip(),
        position=publication.images.count() if position is None else position,
    )
    _store_image_files(image, file)
    image.full_clean()
    image.save()
    return image


@transaction.atomic
def publication_image_update(
    *, image: PublicationImage, caption: str, position: int, file=None, user=None
) -> PublicationImage:
    """Change an image's caption or order, or replace its file (checked and re-encoded like
    a new one, with a new thumbnail)."""
    _check_organisation(user, image.publication.organisation)
    image.caption = caption.strip()
    image.position = position
    if file is not None:
        _store_image_files(image, file)
    image.full_clean()
    image.save()
    return image


# --- Many at once (a spreadsheet import of a year's log) ---------------------------------
# The same rules as `publication_create`, checked row by row in Python, with the database
# asked once per file instead of several times per row: the user's organisations once, the
# links already logged in one query per 500, a page's organisation once per (page,
# organisation) pair, the rows inserted with `bulk_create`. A foreign key that holds a saved
# row (the import read it a moment ago) is not looked up again; a row deleted meanwhile is
# still refused by the database's own foreign key at the insert.

BATCH = 500  # rows per INSERT (SQLite allows 32,766 parameters; a row has 17)
FOREIGN_KEYS = ("organisation", "social_page", "rubric", "created_by")


@transaction.atomic
def publications_create_bulk(*, user=None, rows: list[dict], tick=None) -> list[Publication]:
    """Log every row (fields as `publication_create` takes them, `topics` a list of topics),
    or none. Raises ApplicationError whose `extra["errors"]` maps a row's index to its
    messages. `tick(n)` is told how many rows are done, for a progress bar."""
    allowed = None if user is None or is_regional(user) else set(visible_organisation_ids(user).values_list("pk", flat=True))
    created_by = user if user is not None and user.is_authenticated else None
    publications: list[Publication] = []
    topics: list[list] = []
    errors: dict[int, list[str]] = {}
    pages_checked: dict[tuple[int, int], list[str]] = {}
    for index, fields in enumerate(rows):
        fields = dict(fields)
        topics.append(list(fields.pop("topics", None) or []))
        publication = Publication(created_by=created_by)
        _apply(publication, fields)
        problems = []
        if allowed is not None and publication.organisation_id not in allowed:
            problems.append(_("You may log publications only for your own organisation."))
        if publication.social_page_id and publication.organisation_id:
            pair = (publication.social_page_id, publication.organisation_id)
            if pair not in pages_checked:
                pages_checked[pair] = _messages_of(
                    publication_check_page, social_page=publication.social_page, organisation=publication.organisation
                )
            problems += pages_checked[pair]
        # The keys that hold a saved row were read by the caller; the rest are checked as usual.
        trusted = [name for name in FOREIGN_KEYS if _is_saved(getattr(publication, name, None))]
        problems += _messages_of(
            publication.full_clean, exclude=trusted, validate_unique=False, validate_constraints=False
        )
        if problems:
            errors[index] = problems
        publications.append(publication)
    _check_links(publications, errors)
    if errors:
        transaction.set_rollback(True)
        raise ApplicationError(_("Nothing was saved: correct the rows marked below."), code="rows", extra={"errors": errors})
    for done in range(0, len(publications), BATCH):
        Publication.objects.bulk_create(publications[done : done + BATCH])
        if tick:
            tick(min(done + BATCH, len(publications)))
    through = Publication.topics.through
    links = [
        through(publication_id=publication.pk, topic_id=topic.pk)
        for publication, row_topics in zip(publications, topics, strict=True)
        for topic in {t.pk: t for t in row_topics}.values()
    ]
    through.objects.bulk_create(links, batch_size=BATCH)
    bump("publications")  # bulk_create sends no post_save: the public pages learn of it here
    return publications


def _is_saved(value) -> bool:
    return value is not None and value.pk is not None and not value._state.adding


def _messages_of(check, **kwargs) -> list[str]:
    try:
        check(**kwargs)
    except ValidationError as exc:
        return _validation_messages(exc)
    return []


def _check_links(publications: list[Publication], errors: dict[int, list[str]]) -> None:
    """One record per link: twice among the rows, or already logged."""
    first: dict[str, int] = {}
    for index, publication in enumerate(publications):
        if not publication.url:
            continue
        if publication.url in first:
            errors.setdefault(index, []).append(_("The same link is in row %(row)s.") % {"row": first[publication.url] + 1})
        else:
            first[publication.url] = index
    urls = list(first)
    logged: set[str] = set()
    for start in range(0, len(urls), BATCH):
        logged |= set(Publication.objects.filter(url__in=urls[start : start + BATCH]).values_list("url", flat=True))
    for url in logged:
        errors.setdefault(first[url], []).append(_("A publication with this link is already in the log."))
