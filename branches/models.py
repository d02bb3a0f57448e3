"""The registry: the regional organisation, its branches, their primary organisations and
the social pages each of them runs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.choices import ConnectionStatus, LinkKind, LinkProblem, OrganisationKind, Platform, PrimaryKind
from branches.linkcheck import LinkCheckFields
from branches.scoping import ScopedManager, ScopedQuerySet
from unionportal.content_language import in_page_language
from unionportal.validators import validate_multiline_text, validate_sane_date, validate_single_line

# The tree has three levels: the regional organisation at the top, the city and district
# branches under it, primary organisations under a branch (or, for the apparatus's own,
# under the regional organisation). Nothing sits under a primary organisation.
ALLOWED_PARENT_KINDS = {
    OrganisationKind.REGIONAL: frozenset(),
    OrganisationKind.BRANCH: frozenset({OrganisationKind.REGIONAL}),
    OrganisationKind.PRIMARY: frozenset({OrganisationKind.REGIONAL, OrganisationKind.BRANCH}),
}


class OrganisationQuerySet(ScopedQuerySet):
    def family(self, organisation: "Organisation | int") -> "OrganisationQuerySet":
        """The organisation and everything under it: the one definition of "a branch and its
        primary organisations", used by scoping, the selectors and the rollup.

        `Organisation.clean()` keeps the tree three levels deep, so two steps down reach
        every descendant. Adds no query of its own (usable as a subquery).
        """
        pk = organisation.pk if isinstance(organisation, Organisation) else organisation
        return self.filter(Q(pk=pk) | Q(parent_id=pk) | Q(parent__parent_id=pk))

    def reporting_units(self) -> dict[int, int]:
        """{organisation id: the organisation its figures count for}, in one query.

        A primary organisation counts for the organisation directly above it (its branch,
        or the regional organisation for the apparatus's own); every other counts for itself.
        """
        return {
            pk: reporting_unit_id(pk=pk, kind=kind, parent_id=parent_id)
            for pk, kind, parent_id in self.order_by().values_list("pk", "kind", "parent_id")
        }


def reporting_unit_id(*, pk: int, kind: str, parent_id: int | None) -> int:
    """The organisation whose figures an organisation's records count in: a primary
    organisation's in the one directly above it, any other's in its own."""
    return parent_id if kind == OrganisationKind.PRIMARY and parent_id else pk


class Organisation(models.Model):
    """The regional organisation, a city or district branch, or a primary organisation."""

    BRANCH_SCOPE_FIELD = "pk"
    ROLE_PERMISSIONS = {"branch_editor": {"view", "change"}}

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=255, validators=[validate_single_line])
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Order in the directory and in Appendix 1 of the report.")
    )
    primary_kind = models.CharField(_("type of primary organisation"), max_length=20, choices=PrimaryKind.choices, blank=True)
    member_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    chair_name = models.CharField(_("chair"), max_length=200, blank=True, validators=[validate_single_line])
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = models.Manager.from_queryset(OrganisationQuerySet)()

    class Meta:
        ordering = ["position", "name_ru"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.REGIONAL) | Q(parent__isnull=False),
                name="organisation_non_regional_has_parent",
                violation_error_message=_("A branch or a primary organisation needs a parent organisation."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.REGIONAL) | Q(parent__isnull=True),
                name="organisation_regional_has_no_parent",
                violation_error_message=_("The regional organisation stands at the top: it has no parent organisation."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, frozenset())
        parent = self.parent if self.parent_id else None
        if parent is None and allowed:
            raise ValidationError({"parent": _("A branch or a primary organisation needs a parent organisation.")})
        if parent is not None and parent.kind not in allowed:
            if self.kind == OrganisationKind.REGIONAL:
                message = _("The regional organisation stands at the top: it has no parent organisation.")
            elif self.kind == OrganisationKind.BRANCH:
                message = _("A branch stands directly under the regional organisation.")
            else:
                message = _("A primary organisation stands under a branch or the regional organisation, not under another primary organisation.")
            raise ValidationError({"parent": message}, code="parent_kind")
        # The kinds alone rule out a loop in a tree they have always kept; this guards one
        # stored before the rule (or by a bulk update), so it is never built upon.
        if parent is not None and self._is_ancestor_of_itself(parent):
            raise ValidationError(
                {"parent": _("An organisation cannot be placed under itself or under one of its own organisations.")},
                code="cycle",
            )
        if self.pk is not None:
            # Changing the kind must not leave the organisations below it misplaced.
            child_kinds = set(Organisation.objects.filter(parent_id=self.pk).values_list("kind", flat=True))
            if any(self.kind not in ALLOWED_PARENT_KINDS.get(kind, frozenset()) for kind in child_kinds):
                raise ValidationError(
                    {"kind": _("Organisations below this one could not stay under an organisation of this kind.")},
                    code="child_kind",
                )

    def _is_ancestor_of_itself(self, parent: "Organisation") -> bool:
        """Whether putting `self` under `parent` closes a loop (walks up the stored tree)."""
        seen = set()
        current = parent
        while current is not None:
            if current.pk == self.pk:
                return True
            if current.pk in seen:
                # A loop already stored above the parent: refuse to build on it.
                return True
            seen.add(current.pk)
            current = current.parent if current.parent_id else None
        return False

    @property
    def name(self) -> str:
        """The name in the visitor's language where one was entered; `.lang` says which."""
        return in_page_language(self.name_ru, self.name_kk)


class SocialPage(LinkCheckFields):
    """A page, profile, channel or site that an organisation runs on some platform.

    Saved only through `branches.services.social_page_save`, which normalises the link
    and sets the problem flags; `original_url` keeps the link as it was entered.
    """

    BRANCH_SCOPE_FIELD = "organisation"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="social_pages", verbose_name=_("organisation")
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    url = models.URLField(_("link"), max_length=500)
    original_url = models.CharField(
        _("link as entered"), max_length=1000, blank=True, help_text=_("Kept as it was entered or imported.")
    )
    handle = models.CharField(_("account"), max_length=200, blank=True)
    kind = models.CharField(_("what the link points at"), max_length=20, choices=LinkKind.choices, default=LinkKind.PROFILE)
    is_official = models.BooleanField(
        _("official page"), default=True, help_text=_("Off when a personal profile stands for the organisation.")
    )
    flag_post_not_profile = models.BooleanField(_("a post, not a profile"), default=False)
    flag_share_link = models.BooleanField(_("a share link"), default=False)
    flag_personal_profile = models.BooleanField(_("a personal profile"), default=False)
    flag_shared_account = models.BooleanField(_("account shared with another organisation"), default=False)
    problems_resolved_at = models.DateTimeField(_("problems resolved"), null=True, blank=True)
    problems_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    notes = models.TextField(_("notes"), blank=True, validators=[validate_multiline_text])

    FLAG_FIELDS = {
        LinkProblem.POST_NOT_PROFILE: "flag_post_not_profile",
        LinkProblem.SHARE_LINK: "flag_share_link",
        LinkProblem.PERSONAL_PROFILE: "flag_personal_profile",
        LinkProblem.SHARED_ACCOUNT: "flag_shared_account",
    }

    objects = ScopedManager()

    class Meta:
        ordering = ["organisation__position", "platform", "url"]
        verbose_name = _("social page")
        verbose_name_plural = _("social pages")
        indexes = [
            models.Index(fields=["platform", "handle"], name="socialpage_platform_handle"),
            models.Index(fields=["url"], name="socialpage_url"),
            models.Index(fields=["problems_resolved_at"], name="socialpage_resolved"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "platform", "url"], name="socialpage_unique_url_per_org", violation_error_message=_("This organisation already has this page.")),
        ]

    # __str__ reads the organisation: pickers and lists select it with the page.
    LABEL_SELECT_RELATED = ["organisation"]

    def __str__(self):
        # «Шетский районный профсоюз · Facebook», not «Facebook: 100041669981308»: a bare
        # profile number means nothing to the person picking a page. Lists that show many
        # pages select_related("organisation").
        label = f"{self.organisation.name} · {self.platform_label}"
        return f"{label} @{self.display_handle}" if self.display_handle else label

    @property
    def platform_label(self) -> str:
        # get_platform_display() rebuilds a hashable copy of the choices on every call, which
        # is most of the directory's rendering time once there are hundreds of pages.
        try:
            return Platform(self.platform).label
        except ValueError:
            return self.platform

    @property
    def display_handle(self) -> str:
        """The handle as people know it; a bare profile number means nothing to a reader."""
        return "" if self.handle.isdigit() else self.handle

    @property
    def problems(self) -> list[LinkProblem]:
        found = [problem for problem, name in self.FLAG_FIELDS.items() if getattr(self, name)]
        if self.link_is_dead:
            found.append(LinkProblem.DEAD_LINK)
        return found

    @property
    def has_open_problems(self) -> bool:
        return bool(self.problems) and self.problems_resolved_at is None


class FollowerCount(models.Model):
    """The number of followers of a social page on a date, as staff recorded it."""

    BRANCH_SCOPE_FIELD = "social_page__organisation"

    social_page = models.ForeignKey(
        SocialPage, on_delete=models.CASCADE, related_name="follower_counts", verbose_name=_("social page")
    )
    date = models.DateField(_("date"), validators=[validate_sane_date])
    count = models.PositiveIntegerField(_("followers"))

    objects = ScopedManager()

    class Meta:
        ordering = ["social_page", "date"]
        verbose_name = _("follower count")
        verbose_name_plural = _("follower counts")
        constraints = [
            models.UniqueConstraint(fields=["social_page", "date"], name="followercount_one_per_page_and_date", violation_error_message=_("This page already has a follower count for this date.")),
        ]
        indexes = [models.Index(fields=["date"], name="followercount_date")]

    def __str__(self):
        return f"{self.social_page}: {self.count} ({self.date})"


class SocialConnection(models.Model):
    """A union account the portal reads through Meta's Graph API (an Instagram professional
    account or a Facebook page), with its long-lived token stored encrypted.

    The token is written only by `branches.services.social_connection_set_token`; it is
    never shown again, never logged and never put in a Celery message.
    """

    BRANCH_SCOPE_FIELD = "social_page__organisation"
    # Tokens are the regional office's: a branch editor sees the account's state only.
    ROLE_PERMISSIONS = {"branch_editor": {"view"}}

    social_page = models.OneToOneField(
        SocialPage, on_delete=models.PROTECT, related_name="connection", verbose_name=_("social page")
    )
    external_id = models.CharField(
        _("account id in Meta"),
        max_length=40,
        help_text=_("The Instagram user id (17841…) or the Facebook page id, as the Graph API Explorer shows it."),
    )
    is_enabled = models.BooleanField(_("read automatically"), default=True)
    token_encrypted = models.TextField(_("token (encrypted)"), blank=True, editable=False)
    token_set_at = models.DateTimeField(_("token pasted"), null=True, blank=True, editable=False)
    token_expires_at = models.DateTimeField(_("token expires"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.NO_TOKEN, editable=False
    )
    warned_at = models.DateTimeField(_("staff warned"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("what went wrong"), blank=True, editable=False)
    # The newest post already read: the next run stops paging when it meets it again.
    last_media_id = models.CharField(max_length=60, blank=True, editable=False)


    objects = ScopedManager()

    class Meta:
        ordering = ["social_page__organisation__position", "social_page__platform"]
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")

    def __str__(self):
        return str(self.social_page)

    @property
    def platform(self) -> str:
        return self.social_page.platform

    @property
    def can_be_read(self) -> bool:
        return self.is_enabled and self.status == ConnectionStatus.ACTIVE and bool(self.token_encrypted)


DEFAULT_CAMPAIGN = "Как живешь, первичка?"


class OutreachVisit(models.Model):
    """A visit to primary organisations, or an online meeting with their chairs, under a campaign."""

    BRANCH_SCOPE_FIELD = "branch"

    campaign = models.CharField(
        _("campaign"), max_length=200, default=DEFAULT_CAMPAIGN, validators=[validate_single_line]
    )
    date = models.DateField(_("date"), validators=[validate_sane_date])
    branch = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="outreach_visits",
        verbose_name=_("branch"),
        help_text=_("The city or district whose primary organisations were visited."),
    )
    visited_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation visited"),
    )
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("Where, when no organisation is chosen."),
        validators=[validate_single_line],
    )
    visitors = models.CharField(_("who went"), max_length=300)
    is_online = models.BooleanField(_("online meeting"), default=False)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_multiline_text])

    objects = ScopedManager()

    class Meta:
        ordering = ["-date", "branch__position"]
        verbose_name = _("outreach visit")
        verbose_name_plural = _("outreach visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_online=True) | Q(visited_organisation__isnull=False) | ~Q(place=""),
                name="outreachvisit_has_a_place", violation_error_message=_("Say where the visit took place: an organisation, a place, or that the meeting was online."),
            ),
        ]
        indexes = [models.Index(fields=["date"], name="outreachvisit_date")]

    def __str__(self):
        return f"{self.campaign}: {self.branch} ({self.date})"
