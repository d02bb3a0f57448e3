"""The history of an appeal: every change leaves an `AppealEvent`; some of them the member
sees on the status page."""

from __future__ import annotations

from django.utils import timezone

from appeals.choices import EventKind
from appeals.models import Appeal, AppealEvent

# History entries a member sees on the status page; notes, assignees and edits stay internal.
PUBLIC_EVENTS = {EventKind.SUBMITTED, EventKind.STATUS, EventKind.ANSWERED, EventKind.ROUTED, EventKind.RATED}


def new_event(
    appeal: Appeal, kind: str, *, actor=None, text: str = "", from_status: str = "", to_status: str = "", at=None
) -> AppealEvent:
    return AppealEvent(
        created_at=at or timezone.now(),
        appeal=appeal,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        text=text,
        from_status=from_status,
        to_status=to_status,
        is_public=kind in PUBLIC_EVENTS,
    )


def record_event(appeal: Appeal, kind: str, **kwargs) -> AppealEvent:
    event = new_event(appeal, kind, **kwargs)
    event.save()
    return event
