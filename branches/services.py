"""Writes to the registry. The admin, the import, the demo loader and tasks all call these,
so a social link is normalised and its problems flagged however it arrives."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.choices import LinkKind, LinkProblem, Platform
from branches.models import FollowerCount, Organisation, OutreachVisit, SocialPage
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
    """Create or update a social page from a link as entered.

    The link is normalised (tracking parameters dropped, host made canonical, handle
    extracted); `original_url` keeps what was entered. Problems are flagged, not refused:
    a post or share link where a profile is expected, a personal profile, one account
    registered for two organisations. A problem that is new re-opens a resolved page.
    Raises ApplicationError for what is not a link of the platform, DuplicateError when the
    organisation already has this page.
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
    previous = None
    if page is None:
        page = SocialPage(organisation=organisation)
    else:
        previous = (page.platform, page.handle, page.url)
        old_problems = set(SocialPage.objects.get(pk=page.pk).problems)
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
    if previous is not None and set(page.problems) - old_problems:
        page.problems_resolved_at = None
        page.problems_resolved_by = None
    page.full_clean()
    page.save()
    _refresh_shared_flags(platform, link)
    if previous is not None and previous != (page.platform, page.handle, page.url):
        _refresh_shared_flags(previous[0], SocialPage(handle=previous[1], url=previous[2]))
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


@transaction.atomic
def outreach_visit_create(
    *,
    branch: Organisation,
    date: date,
    visitors: str,
    visited_organisation: Organisation | None = None,
    place: str = "",
    is_online: bool = False,
    notes: str = "",
    campaign: str | None = None,
) -> OutreachVisit:
    visit = OutreachVisit(
        branch=branch,
        date=date,
        visitors=visitors,
        visited_organisation=visited_organisation,
        place=place,
        is_online=is_online,
        notes=notes,
    )
    if campaign:
        visit.campaign = campaign
    if not (is_online or visited_organisation or place.strip()):
        raise ApplicationError(_("Say where the visit took place, or mark it an online meeting."), code="no_place")
    visit.full_clean()
    visit.save()
    return visit
