"""Logging many publications at once (a spreadsheet import of a year's log).

The same rules as `services.publication_create`, checked row by row in Python, with the
database asked once per file instead of several times per row: the user's organisations
once, the links already logged in one query per 500, a page's organisation once per
(page, organisation) pair, and the rows inserted with `bulk_create`. The field checks are
the model's `full_clean`; a foreign key that holds a saved row (the import read it a moment
ago) is not looked up again, and a row deleted meanwhile is still refused by the database's
own foreign key at the insert.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import is_regional
from branches.scoping import visible_organisation_ids
from publications.models import Publication
from publications.services import _apply, _validation_messages, publication_check_page
from unionportal.caching import bump
from unionportal.exceptions import ApplicationError

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
