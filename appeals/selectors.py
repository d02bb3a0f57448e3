"""Reads of appeals that several places need: the status page, the member's list, the
dashboard counts, the yearly figures and who may see personal data."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.utils import timezone

from accounts.roles import Role, is_regional, user_has_role
from appeals.choices import OPEN_STATUSES, Rating
from appeals.models import Appeal, AppealEvent, FaqEntry, hash_code
from appeals.phones import normalise_phone_or_keep
from branches.models import Organisation
from branches.scoping import user_organisation_id
from unionportal.figures import TOTAL, Figure


def can_see_personal_data(user, appeal: Appeal | None = None) -> bool:
    """Contact details and attachments: superusers, the chair and regional staff see them on
    every appeal; a branch editor only on appeals routed to their own branch itself (not to
    another branch, and not the regional apparatus's)."""
    if not user.is_authenticated:
        return False
    if is_regional(user):
        return True
    if not user_has_role(user, Role.BRANCH_EDITOR):
        return False
    if appeal is None:
        return True
    return appeal.branch_id is not None and appeal.branch_id == user_organisation_id(user)


def with_personal_data_flag(queryset: QuerySet[Appeal], user) -> QuerySet[Appeal]:
    """Annotate `personal_data_visible`: `can_see_personal_data` for every row of a list,
    computed in the query (the admin columns read it instead of keeping the request)."""
    if is_regional(user):
        visible = Value(True)
    elif not user.is_authenticated or not user_has_role(user, Role.BRANCH_EDITOR) or user_organisation_id(user) is None:
        visible = Value(False)
    else:
        visible = ExpressionWrapper(Q(branch_id=user_organisation_id(user)), output_field=BooleanField())
    return queryset.annotate(personal_data_visible=visible)


def appeal_by_code(code: str) -> Appeal | None:
    if not code or len(code) > 100:
        return None
    return Appeal.objects.select_related("branch", "duplicate_of").filter(code_hash=hash_code(code)).first()


def appeal_by_reference(reference: str, proof: str) -> Appeal | None:
    """The appeal with this short number whose member wrote `proof`: the last four digits of
    their phone (or the whole number), or their e-mail. None for a wrong pair and for an
    unknown number alike; anonymised and anonymous appeals have no proof to give."""
    proof = (proof or "").strip()
    if not reference or not proof or len(proof) > 254:
        return None
    candidates = Appeal.objects.select_related("branch", "duplicate_of").filter(reference=reference, anonymised_at__isnull=True)
    if "@" in proof:
        return candidates.filter(email__iexact=proof).exclude(email="").first()
    digits = "".join(ch for ch in proof if ch.isdigit())
    if len(digits) == 4:
        return candidates.filter(phone__endswith=digits).exclude(phone="").first()
    if len(digits) >= 7:
        phone = normalise_phone_or_keep(proof)
        return candidates.filter(phone=phone).exclude(phone="").first() if phone.startswith("+") else None
    return None


DUPLICATE_WINDOW_DAYS = 30


def possible_duplicates(appeal: Appeal, user) -> list[Appeal]:
    """Open appeals of the last 30 days, other than `appeal`, with the same phone, e-mail or
    name: a member who wrote on WhatsApp and then on Instagram. Only for staff who may see
    the contacts of `appeal`, and only among appeals whose contacts they may see too (a
    match would otherwise tell them another appeal's phone)."""
    if appeal.anonymised_at or appeal.is_anonymous or not can_see_personal_data(user, appeal):
        return []
    if not (appeal.phone or appeal.email or appeal.name.strip()):
        return []
    since = timezone.now() - datetime.timedelta(days=DUPLICATE_WINDOW_DAYS)
    recent = with_personal_data_flag(Appeal.objects.for_user(user), user).filter(
        status__in=OPEN_STATUSES, received_at__gte=since, anonymised_at__isnull=True
    ).exclude(pk=appeal.pk)
    match = Q(pk__in=[])
    if appeal.phone:
        match |= Q(phone=appeal.phone)
    if appeal.email:
        match |= Q(email__iexact=appeal.email)
    name = " ".join(appeal.name.split()).casefold()
    if name:
        # Compared in Python: SQLite folds the case of ASCII letters only (Айгуль/айгуль),
        # and a month of open appeals is a few hundred names.
        same_name = [pk for pk, other in recent.exclude(name="").values_list("pk", "name") if " ".join(other.split()).casefold() == name]
        match |= Q(pk__in=same_name)
    candidates = recent.filter(match).select_related("branch").order_by("received_at", "pk")
    return [c for c in candidates[:10] if c.personal_data_visible]


def public_events(appeal: Appeal) -> QuerySet[AppealEvent]:
    return appeal.events.filter(is_public=True).order_by("created_at", "pk")


def member_appeals(user) -> QuerySet[Appeal]:
    return Appeal.objects.filter(user=user).select_related("branch").order_by("-received_at")


def published_faq(*, topic: str | None = None) -> QuerySet[FaqEntry]:
    entries = FaqEntry.objects.filter(is_published=True)
    if topic:
        entries = entries.filter(topic=topic)
    return entries.order_by("position", "topic", "pk")


def staff_faq_entries(user) -> QuerySet[FaqEntry]:
    """The FAQ entries a staff member may open in the admin. A draft made from an appeal
    quotes the member's question and answer before anyone has checked the scrubbing, so
    outside the regional roles it is shown only to the staff of the appeal's own branch."""
    entries = FaqEntry.objects.all()
    if is_regional(user):
        return entries
    return entries.filter(
        Q(is_published=True) | Q(source_appeal__isnull=True) | Q(source_appeal__in=Appeal.objects.for_user(user))
    )


def staff_appeals(user) -> QuerySet[Appeal]:
    return Appeal.objects.select_related("branch", "assignee").for_user(user)


def _year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz) - datetime.timedelta(microseconds=1)
    return start, end


def yearly_figures(*, year: int) -> list[Figure]:
    """Appeals received in `year` (Asia/Almaty) per organisation: the branch they were routed
    to, else the regional organisation. Totals, by channel, topic and status; the median
    hours to the first answer; the share of helpful ratings."""
    from branches.choices import OrganisationKind

    regional = Organisation.objects.filter(kind=OrganisationKind.REGIONAL).order_by("pk").values_list("pk", flat=True).first()
    rows = Appeal.objects.filter(received_at__range=_year_range(year)).values_list(
        "branch_id", "channel", "topic", "status", "received_at", "first_answered_at", "rating"
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    hours: dict[int, list[float]] = defaultdict(list)
    ratings: dict[int, Counter] = defaultdict(Counter)
    for branch_id, channel, topic, status, received, first_answered, rating in rows.iterator():
        org = branch_id or regional
        if org is None:
            continue
        c = counts[org]
        c[TOTAL] += 1
        c[f"channel:{channel}"] += 1
        c[f"topic:{topic}"] += 1
        c[f"status:{status}"] += 1
        if first_answered:
            hours[org].append((first_answered - received).total_seconds() / 3600)
        if rating:
            ratings[org][rating] += 1
    figures = []
    for org, counter in sorted(counts.items()):
        figures.extend(Figure(org, "appeals", dim, value) for dim, value in sorted(counter.items()))
        if hours[org]:
            figures.append(Figure(org, "appeals_median_hours", TOTAL, round(statistics.median(hours[org]), 2)))
        rated = sum(ratings[org].values())
        if rated:
            figures.append(Figure(org, "appeals_satisfaction_pct", TOTAL, round(100 * ratings[org][Rating.HELPFUL] / rated, 1)))
    return figures


def appeal_by_id(*, pk) -> Appeal | None:
    """An appeal by id, or None (a message about it may outlive it)."""
    return Appeal.objects.filter(pk=pk).first()


def all_appeals() -> QuerySet[Appeal]:
    """Every appeal, unscoped: the caller narrows it to what its reader may see."""
    return Appeal.objects.all()
