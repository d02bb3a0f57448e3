"""Frequent questions made from answered appeals, with the member's contacts and name removed."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from appeals.choices import EventKind
from appeals.models import Appeal, FaqEntry
from appeals.services.history import record_event
from unionportal.exceptions import ApplicationError

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE_RE = re.compile(r"\+?\d[\d\s()\-]{7,}\d")


def scrub(text: str, *, names: Iterable[str] = ()) -> str:
    """Remove e-mail addresses, phone numbers and the given names from a text."""
    text = _EMAIL_RE.sub("[…]", text)
    text = _PHONE_RE.sub("[…]", text)
    for name in names:
        for part in name.split():
            if len(part) > 2:
                text = re.sub(re.escape(part), "[…]", text, flags=re.IGNORECASE)
    return text


@transaction.atomic
def faq_from_appeal(*, appeal: Appeal, actor) -> FaqEntry:
    """A draft FAQ entry from an answered appeal, with contacts and the member's name removed.

    It stays unpublished until staff have read it: a scrubber cannot catch everything.
    """
    if not appeal.answer:
        raise ApplicationError(_("Only an answered appeal can become a frequent question."), code="no_answer")
    names = [appeal.name] if appeal.name else []
    question = scrub(appeal.question, names=names)
    answer = scrub(appeal.answer, names=names)
    entry = FaqEntry(topic=appeal.topic, source_appeal=appeal, is_published=False)
    if appeal.language == "kk":
        entry.question_kk, entry.answer_kk = question, answer
        entry.question_ru, entry.answer_ru = question, answer
    else:
        entry.question_ru, entry.answer_ru = question, answer
    entry.full_clean()
    entry.save()
    record_event(appeal, EventKind.NOTE, actor=actor, text=_("A draft frequent question was made from this appeal."))
    return entry

