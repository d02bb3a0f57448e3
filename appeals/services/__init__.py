"""Every change to an appeal goes through here, one module per concern: how it comes in
(`intake`), its workflow (`workflow`), the member's personal data (`personal_data`), the
frequent questions made from it (`faq`) and its e-mails (`outbox`). Each change leaves an
`AppealEvent` (`history`). Callers use `from appeals import services` and the names below."""

from appeals.services.faq import faq_from_appeal, scrub
from appeals.services.history import PUBLIC_EVENTS
from appeals.services.intake import (
    IMPORT_STATUSES,
    REFERENCE_ALPHABET,
    appeal_import,
    appeal_log,
    appeal_submit,
    due_date_for,
    free_references,
    new_reference,
)
from appeals.services.outbox import (
    appeal_send_answer,
    appeal_send_notifications,
    send_overdue_reminders,
    send_pending_notifications,
    send_received_notifications,
    staff_recipients,
    status_path,
)
from appeals.services.personal_data import (
    EXPORT_FIELDS,
    anonymise_old_appeals,
    appeal_anonymise,
    person_appeals,
    person_export,
)
from appeals.services.workflow import (
    TRANSITIONS,
    appeal_add_note,
    appeal_rate,
    appeal_staff_edit,
    appeal_transition,
    appeal_update,
    check_transition,
    original_of,
)

__all__ = [
    "EXPORT_FIELDS",
    "IMPORT_STATUSES",
    "PUBLIC_EVENTS",
    "REFERENCE_ALPHABET",
    "TRANSITIONS",
    "anonymise_old_appeals",
    "appeal_add_note",
    "appeal_anonymise",
    "appeal_import",
    "appeal_log",
    "appeal_rate",
    "appeal_send_answer",
    "appeal_send_notifications",
    "appeal_staff_edit",
    "appeal_submit",
    "appeal_transition",
    "appeal_update",
    "check_transition",
    "due_date_for",
    "faq_from_appeal",
    "free_references",
    "new_reference",
    "original_of",
    "person_appeals",
    "person_export",
    "scrub",
    "send_overdue_reminders",
    "send_pending_notifications",
    "send_received_notifications",
    "staff_recipients",
    "status_path",
]
