"""Writes to the registry. The admin, the import, the demo loader and tasks all call these,
so a social link is normalised and its problems flagged however it arrives."""

from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.choices import ConnectionStatus, LinkKind, LinkProblem, Platform
from branches.models import FollowerCount, Organisation, SocialPage
from branches.normalise import NormalisedLink, normalise_social_url
from unionportal.exceptions import ApplicationError, DuplicateError


def _same_account(platform: str, link: NormalisedLink | SocialPage) -> Q:
    """Pages that are the same account: same handle, or the same URL when there is no handle."""
    if link.handle:
        return Q(platform=platform, handle=link.handle)
    return Q(platform=platform, url=link.url)


def social_page_duplicate(
    *, organisation: Organisation, link: NormalisedLink, platform: str, page: SocialPage | None = None
) -> SocialPage | None:
    """The organisation's existing page for the same account, if any (other than `page`)."""
    return (
        SocialPage.objects.filter(_same_account(platform, link), organisation=organisation)
        .exclude(pk=page.pk if page and page.pk else None)
        .first()
    )


def social_page_prepare(
    *,
    page: SocialPage,
    organisation: Organisation,
    url: str,
    platform: str | None = None,
    is_official: bool | None = None,
    notes: str | None = None,
) -> NormalisedLink:
    """Fill `page` (new or stored) from a link as entered and validate it, without saving.

    The link is normalised (tracking parameters dropped, host made canonical, handle
    extracted); `original_url` keeps what was entered. Problems are flagged, not refused:
    a post or share link where a profile is expected, a personal profile, one account
    registered for two organisations. Raises ApplicationError for what is not a link of the
    platform, DuplicateError when the organisation already has this page, ValidationError
    for the model's own rules. The admin form calls it to show these on the form;
    `social_page_save` calls it again inside its transaction, before it saves.
    """
    link = normalise_social_url(url, platform)
    platform = platform if platform and platform not in (Platform.WEBSITE, Platform.OTHER) else link.platform
    duplicate = social_page_duplicate(organisation=organisation, link=link, platform=platform, page=page)
    if duplicate is not None:
        raise DuplicateError(
            _("%(organisation)s already has this page: %(url)s.") % {"organisation": organisation, "url": duplicate.url},
            code="duplicate",
            extra={"existing": duplicate},
        )
    page.organisation = organisation
    page.platform = platform
    page.url = link.url
    page.original_url = url.strip()[:1000]
    page.handle = link.handle
    page.kind = link.kind
    page.flag_post_not_profile = LinkProblem.POST_NOT_PROFILE in link.problems
    page.flag_share_link = LinkProblem.SHARE_LINK in link.problems
    page.flag_personal_profile = LinkProblem.PERSONAL_PROFILE in link.problems
    page.flag_shared_account = (
        SocialPage.objects.filter(_same_account(platform, link)).exclude(organisation=organisation).exists()
    )
    if is_official is not None:
        page.is_official = is_official
    if link.kind == LinkKind.PERSONAL:
        page.is_official = False
    if notes is not None:
        page.notes = notes
    page.full_clean()
    return link


@transaction.atomic
def social_page_save(
    *,
    organisation: Organisation,
    url: str,
    platform: str | None = None,
    page: SocialPage | None = None,
    is_official: bool | None = None,
    notes: str | None = None,
) -> SocialPage:
    """Create or update a social page from a link as entered (see `social_page_prepare`);
    `page` is updated in place. A problem that is new re-opens a resolved page, and the
    pages of the account it had and of the one it has learn whether they are shared."""
    page = page if page is not None else SocialPage()
    # What is stored, not what the caller's copy says: the admin's form has filled it already.
    stored = SocialPage.objects.select_for_update().filter(pk=page.pk).first() if page.pk else None
    link = social_page_prepare(
        page=page, organisation=organisation, url=url, platform=platform, is_official=is_official, notes=notes
    )
    if stored is not None and set(page.problems) - set(stored.problems):
        page.problems_resolved_at = None
        page.problems_resolved_by = None
    page.save()
    _refresh_shared_flags(page.platform, link)
    if stored is not None and (stored.platform, stored.handle, stored.url) != (page.platform, page.handle, page.url):
        _refresh_shared_flags(stored.platform, stored)
    return page


def _refresh_shared_flags(platform: str, link) -> None:
    """Set `flag_shared_account` on every page of one account from how many organisations hold it."""
    pages = SocialPage.objects.filter(_same_account(platform, link))
    shared = pages.values("organisation").distinct().count() > 1
    changed = pages.exclude(flag_shared_account=shared)
    if shared:
        # A page newly found shared is a new problem: it must be looked at again.
        changed.update(flag_shared_account=True, problems_resolved_at=None, problems_resolved_by=None)
    else:
        changed.update(flag_shared_account=False)


@transaction.atomic
def social_page_delete(*, page: SocialPage) -> None:
    platform, handle, url = page.platform, page.handle, page.url
    page.delete()
    _refresh_shared_flags(platform, SocialPage(handle=handle, url=url))


@transaction.atomic
def social_pages_mark_resolved(*, pages, user) -> int:
    """Staff looked at the problems of these pages and accept them as they are."""
    return SocialPage.objects.filter(pk__in=[p.pk for p in pages]).update(
        problems_resolved_at=timezone.now(), problems_resolved_by=user if user and user.is_authenticated else None
    )


@transaction.atomic
def follower_count_record(*, social_page: SocialPage, date: date, count: int) -> FollowerCount:
    """Record the follower count of a page on a date; a second record for the date replaces the first."""
    if count < 0:
        raise ApplicationError(_("A follower count cannot be negative."), code="negative")
    record, _created = FollowerCount.objects.update_or_create(
        social_page=social_page, date=date, defaults={"count": count}
    )
    record.full_clean()
    return record


# --- Connected accounts (docs/social-intake.md) ------------------------------------------


def social_connection_set_token(*, connection, token: str, now=None):
    """Store a pasted long-lived token, encrypted; learn when it expires.

    With the Meta app's id and secret the token is checked with `debug_token` (a dead token
    is refused); without them it is counted as 60 days from now, as Meta documents.
    Raises ApplicationError (nothing stored) when the key is missing or the token is refused.
    """
    from django.conf import settings

    from unionportal import outside

    token = (token or "").strip()
    if not token or len(token) > 1000 or any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ApplicationError(_("Paste the token as one line, without spaces."), code="bad_token")
    encrypted = outside.token_encrypt(token)  # refuses first when there is no key
    now = now or timezone.now()
    expires_at = now + timedelta(days=60)
    if settings.META_APP_ID and settings.META_APP_SECRET:
        client = outside.graph_client(f"{settings.META_APP_ID}|{settings.META_APP_SECRET}")
        try:
            data = client.get_json("debug_token", {"input_token": token}).get("data") or {}
        except outside.OutsideError as exc:
            raise ApplicationError(
                _("Meta did not confirm the token (%(detail)s); nothing was stored.") % {"detail": exc.detail},
                code="not_confirmed",
            ) from exc
        if not data.get("is_valid"):
            raise ApplicationError(_("Meta says this token is not valid; nothing was stored."), code="invalid")
        if data.get("expires_at"):
            expires_at = datetime.fromtimestamp(int(data["expires_at"]), tz=UTC)
    connection.token_encrypted = encrypted
    connection.token_set_at = now
    connection.token_expires_at = expires_at
    connection.status = ConnectionStatus.ACTIVE
    connection.warned_at = None
    connection.last_error = ""
    connection.full_clean()
    connection.save()
    return connection


def social_connection_token(connection) -> str:
    """The token in clear, for one call; never store or log what this returns."""
    from unionportal import outside

    return outside.token_decrypt(connection.token_encrypted)


def social_connection_succeeded(*, connection, now=None) -> None:
    type(connection).objects.filter(pk=connection.pk).update(last_success_at=now or timezone.now())


def social_connection_failed(*, connection, error, now=None) -> None:
    """Record a failed call. A token Meta calls invalid stops the connector and warns staff."""
    from unionportal import outside

    now = now or timezone.now()
    updates = {"last_error_at": now, "last_error": str(getattr(error, "detail", error))[:500]}
    if isinstance(error, outside.OutsideError) and error.is_auth:
        updates["status"] = ConnectionStatus.REVOKED
    type(connection).objects.filter(pk=connection.pk).update(**updates)
    connection.refresh_from_db()
    if connection.status == ConnectionStatus.REVOKED and connection.warned_at is None:
        _warn_staff(connection=connection, now=now)


def social_connections_refresh(*, now=None) -> dict:
    """Refresh tokens nearing their 60 days (fb_exchange_token), warn 7 days before expiry.

    Returns counts of refreshed and warned accounts; a failure for one leaves the others.
    """
    from django.conf import settings

    from branches.models import SocialConnection
    from unionportal import outside

    now = now or timezone.now()
    refreshed = warned = 0
    refresh_before = now + timedelta(days=settings.SOCIAL_TOKEN_REFRESH_DAYS)
    warn_before = now + timedelta(days=settings.SOCIAL_TOKEN_WARN_DAYS)
    candidates = SocialConnection.objects.filter(
        status=ConnectionStatus.ACTIVE, token_expires_at__lte=refresh_before
    ).select_related("social_page")
    for connection in candidates:
        if connection.token_expires_at <= now:
            SocialConnection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.EXPIRED)
            connection.status = ConnectionStatus.EXPIRED
        elif settings.META_APP_ID and settings.META_APP_SECRET:
            client = outside.graph_client("")
            try:
                body = client.get_json(
                    "oauth/access_token",
                    {
                        "grant_type": "fb_exchange_token",
                        "client_id": settings.META_APP_ID,
                        "client_secret": settings.META_APP_SECRET,
                        "fb_exchange_token": social_connection_token(connection),
                    },
                )
                token, expires_in = body.get("access_token"), body.get("expires_in")
                if not isinstance(token, str) or not token:
                    raise outside.OutsideError("oauth/access_token: no token in the answer", kind=outside.BAD_BODY)
                connection.token_encrypted = outside.token_encrypt(token)
                connection.token_set_at = now
                connection.token_expires_at = now + timedelta(
                    seconds=int(expires_in) if isinstance(expires_in, int) else 60 * 86400
                )
                connection.warned_at = None
                connection.save(update_fields=["token_encrypted", "token_set_at", "token_expires_at", "warned_at"])
                refreshed += 1
                continue
            except (outside.OutsideError, ApplicationError) as exc:
                social_connection_failed(connection=connection, error=exc, now=now)
        if connection.token_expires_at <= warn_before and connection.warned_at is None:
            _warn_staff(connection=connection, now=now)
            warned += 1
    return {"refreshed": refreshed, "warned": warned}


def _warn_staff(*, connection, now) -> None:
    """E-mail the regional staff that an account needs a new token (once per token)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.urls import reverse

    from branches.models import SocialConnection

    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse("admin:branches_socialconnection_change", args=[connection.pk])
    if connection.status in (ConnectionStatus.REVOKED, ConnectionStatus.EXPIRED):
        subject = _("The portal can no longer read %(page)s") % {"page": connection.social_page}
    else:
        subject = _("The token of %(page)s expires soon") % {"page": connection.social_page}
    body = _(
        "Paste a new long-lived token for %(page)s in the admin: %(link)s\n"
        "Until then its posts, followers and comments do not come in by themselves."
    ) % {"page": connection.social_page, "link": link}
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))
    SocialConnection.objects.filter(pk=connection.pk).update(warned_at=now)
