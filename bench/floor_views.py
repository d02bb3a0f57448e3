"""What a valid appeal POST costs at the least, on the same server and in the same run as
the form (bench/appeals_post_load.py): how far the form's goal is from what Django itself
can do with the same rows.

- `insert_only`: the two rows of a new appeal (the appeal and its "received" event) written
  the cheapest way the portal has (`unionportal.db.insert_with_children`: on PostgreSQL one
  statement past the ORM's save, with no transaction opened), then the redirect to the
  status page. No form, no limiter, no validation, no e-mail: the database's share of the
  floor.
- `service_only`: `appeals.services.appeal_submit` with the bench's values taken straight
  from the POST (no form, no limiter, no one-time token), as the form calls it: the
  service's share (its `full_clean`, the reference, the due date, the e-mails queued).

Both pass through the whole middleware stack, CSRF check included, as the form does.
"""

import functools
import secrets

from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from appeals import services
from appeals.choices import Channel, EventKind, Status
from appeals.consent import CURRENT_VERSION
from appeals.models import Appeal, hash_code, tracking_code_for
from appeals.services.history import new_event
from appeals.services.intake import due_date_for, new_reference
from branches.models import Organisation
from unionportal.db import insert_with_children


@functools.cache
def _branch(pk: int) -> Organisation:
    # Read once a process: the floors measure writing the appeal, not reading its branch.
    return Organisation.objects.get(pk=pk)


@require_POST
def insert_only(request):
    data = request.POST
    salt = secrets.token_urlsafe(24)
    code = tracking_code_for(salt)
    now = timezone.now()
    appeal = Appeal(
        code_salt=salt, code_hash=hash_code(code), reference=new_reference(), channel=Channel.WEB, received_at=now,
        language="ru", name=data["name"], phone=data["phone"], email=data["email"], workplace_text=data["workplace_text"],
        branch=_branch(int(data["branch"])), topic=data["topic"], question=data["question"], consent_version=CURRENT_VERSION,
        consent_at=now, form_token=secrets.token_urlsafe(24),
    )
    appeal.due_date = due_date_for(now)
    insert_with_children(appeal, [new_event(appeal, EventKind.SUBMITTED, to_status=Status.NEW)], link="appeal")
    return redirect("appeals:detail", code=code)


@require_POST
def service_only(request):
    data = request.POST
    _appeal, code = services.appeal_submit(
        topic=data["topic"], question=data["question"], consent=True, form_token=secrets.token_urlsafe(24),
        name=data["name"], phone=data["phone"], email=data["email"], workplace_text=data["workplace_text"],
        branch=_branch(int(data["branch"])), user=request.user,
    )
    return redirect("appeals:detail", code=code)
