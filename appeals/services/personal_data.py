"""The member's personal data: anonymising one appeal or every appeal past the retention
period, finding a person's appeals and exporting everything stored about them."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.choices import FINISHED_STATUSES, OPEN_STATUSES, EventKind, Status
from appeals.models import Appeal
from appeals.phones import normalise_phone_or_keep
from appeals.services.history import record_event


@transaction.atomic
def appeal_anonymise(*, appeal: Appeal, actor=None, reason: str = "") -> Appeal:
    """Remove everything personal from an appeal, keeping what the figures count (channel,
    topic, routing, status, dates, rating). Used by the retention job and on request."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.attachment:
        appeal.attachment.delete(save=False)
    Appeal.objects.filter(pk=appeal.pk).update(
        name="",
        phone="",
        email="",
        user=None,
        workplace_text="",
        question="",
        answer="",
        rating_comment="",
        attachment="",
        anonymised_at=timezone.now(),
        updated_at=timezone.now(),
    )
    # Notes and answers in the history may quote the member.
    appeal.events.exclude(text="").update(text="")
    record_event(appeal, EventKind.ANONYMISED, actor=actor, text=reason)
    appeal.refresh_from_db()
    return appeal


def person_appeals(appeals) -> Q:
    """A filter matching every appeal of the people who sent `appeals` (by e-mail, phone in
    its international form, account)."""
    condition = Q(pk__in=[a.pk for a in appeals])
    for appeal in appeals:
        if appeal.email:
            condition |= Q(email__iexact=appeal.email)
        if appeal.phone:
            # Stored phones are normalised (migration 0003); the typed form is matched too,
            # for a row that could not be normalised.
            condition |= Q(phone__in={normalise_phone_or_keep(appeal.phone), appeal.phone})
        if appeal.user_id:
            condition |= Q(user_id=appeal.user_id)
    return condition


EXPORT_FIELDS = [
    "reference", "channel", "received_at", "language", "is_anonymous", "name", "phone", "email",
    "workplace_text", "topic", "question", "status", "answer", "answered_at", "closed_at",
    "rating", "rating_comment", "consent_version", "consent_at",
]


@transaction.atomic
def person_export(*, appeals, actor) -> bytes:
    """A ZIP of everything stored about the people who sent `appeals`: `personal-data.json`
    and their attachments under `attachments/` (named in the JSON of each appeal)."""
    records = []
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED)
    for appeal in appeals:
        record = {field: getattr(appeal, field) for field in EXPORT_FIELDS}
        record["attachment"] = ""
        if appeal.attachment:
            member = f"attachments/{appeal.reference}-{appeal.attachment.name.rsplit('/', 1)[-1]}"
            try:
                with appeal.attachment.open("rb") as handle:
                    archive.writestr(member, handle.read())
                record["attachment"] = member
            except FileNotFoundError:
                record["attachment"] = _("(the file is missing from the storage)")
        record["workplace"] = appeal.workplace.name_ru if appeal.workplace else ""
        record["routed_to"] = appeal.branch.name_ru if appeal.branch else ""
        record["history"] = [
            {"when": e.created_at, "what": e.kind, "status": e.to_status}
            for e in appeal.events.all()
            if e.is_public
        ]
        records.append(record)
        record_event(appeal, EventKind.EXPORTED, actor=actor)
    document = json.dumps({"exported_at": timezone.now(), "appeals": records}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    archive.writestr("personal-data.json", document)
    archive.close()
    return buffer.getvalue()


def anonymise_old_appeals(*, now: datetime.datetime | None = None) -> int:
    """Anonymise, after APPEAL_ANONYMISE_AFTER_DAYS:
    - finished appeals closed that long ago;
    - answered ones nobody closed whose answer is that old;
    - new and in-progress ones nobody has touched for that long (received that long ago,
      no change and no history entry since): an appeal abandoned for the whole retention
      period must not keep the member's data for ever. Its status stays as it was (the
      figures stay true: it was never answered), its history says why, and the daily
      reminders no longer list it. Any activity, even a note, keeps it another period.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.APPEAL_ANONYMISE_AFTER_DAYS)
    not_anonymised = Appeal.objects.filter(anonymised_at__isnull=True)
    finished = not_anonymised.filter(
        Q(status__in=FINISHED_STATUSES, closed_at__lt=cutoff) | Q(status=Status.ANSWERED, answered_at__lt=cutoff)
    )
    abandoned = not_anonymised.filter(status__in=OPEN_STATUSES, received_at__lt=cutoff, updated_at__lt=cutoff).exclude(
        events__created_at__gte=cutoff
    )
    count = 0
    for due, reason in ((finished, _("Retention period ended")), (abandoned, _("Retention period ended without any activity"))):
        for appeal in due.only("pk").iterator():
            appeal_anonymise(appeal=appeal, reason=reason)
            count += 1
    return count
