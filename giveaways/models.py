"""The Friday giveaways on Instagram: the giveaway, its entries, its one draw and winners,
the follower list that eligibility reads, and the log of imports and redraws."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from branches.scoping import ScopedManager
from giveaways.choices import DrawTrigger, FollowerSource, GiveawayStatus, IneligibleReason
from unionportal.content_language import ContentText, TranslatedField
from unionportal.models import CachedChoiceLabels
from unionportal.validators import validate_multiline_text, validate_single_line


class Giveaway(CachedChoiceLabels, models.Model):
    """One weekly giveaway: what is won, when entries close and the draw happens, and the
    published data that lets anyone check the draw (commitment, frozen list, seed)."""

    BRANCH_SCOPE_FIELD = "organisation"

    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="giveaways", verbose_name=_("organisation")
    )
    social_page = models.ForeignKey(
        "branches.SocialPage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="giveaways",
        verbose_name=_("Instagram page"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    prizes = models.TextField(_("prizes"), help_text=_("One prize per line."), validators=[validate_multiline_text])
    winner_count = models.PositiveSmallIntegerField(
        _("number of winners"), default=1, validators=[MinValueValidator(1)]
    )
    rules = models.TextField(_("rules"), blank=True, validators=[validate_multiline_text])
    # The Kazakh texts, shown on /kk/ where entered (the Russian ones above are required).
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True, validators=[validate_single_line])
    prizes_kk = models.TextField(
        _("prizes (Kazakh)"), blank=True, help_text=_("One prize per line."), validators=[validate_multiline_text]
    )
    rules_kk = models.TextField(_("rules (Kazakh)"), blank=True, validators=[validate_multiline_text])
    post_url = models.URLField(_("Instagram post"), max_length=500, blank=True)
    draw_date = models.DateField(_("Friday of the draw"), editable=False)
    entries_close_at = models.DateTimeField(_("entries close at"))
    draw_at = models.DateTimeField(_("draw at"))
    status = models.CharField(
        _("status"), max_length=20, choices=GiveawayStatus.choices, default=GiveawayStatus.DRAFT, db_index=True
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, validators=[validate_multiline_text])
    # Kept secret until the draw; only its commitment is shown before.
    secret_seed = models.CharField(_("secret seed"), max_length=64, blank=True, editable=False)
    seed_commitment = models.CharField(_("seed commitment (SHA-256)"), max_length=64, blank=True, editable=False)
    committed_at = models.DateTimeField(_("commitment published at"), null=True, blank=True, editable=False)
    frozen_list = models.TextField(_("frozen list of entries"), blank=True, editable=False)
    list_hash = models.CharField(_("list hash (SHA-256)"), max_length=64, blank=True, editable=False)
    entry_count = models.PositiveIntegerField(_("entries in the frozen list"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    revealed_seed = models.CharField(_("revealed seed"), max_length=64, blank=True, editable=False)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True, editable=False)
    drand_round = models.PositiveBigIntegerField(_("drand round"), null=True, blank=True, editable=False)
    drand_randomness = models.CharField(_("drand randomness"), max_length=64, blank=True, editable=False)
    # The post's id in Meta, found once from `post_url`, so its comments can be read.
    post_media_id = models.CharField(_("post id in Meta"), max_length=60, blank=True, editable=False)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("made from")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-draw_at"]
        verbose_name = _("giveaway")
        verbose_name_plural = _("giveaways")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "draw_date"], name="giveaway_one_per_friday", violation_error_message=_("This organisation already has a giveaway on this Friday.")),
            models.CheckConstraint(condition=Q(entries_close_at__lte=F("draw_at")), name="giveaway_close_before_draw", violation_error_message=_("Entries must close before the draw.")),
            models.CheckConstraint(condition=Q(winner_count__gte=1), name="giveaway_at_least_one_winner", violation_error_message=_("A giveaway has at least one winner.")),
        ]
        indexes = [
            models.Index(fields=["status", "entries_close_at"], name="giveaway_status_close"),
            models.Index(fields=["status", "draw_at"], name="giveaway_status_draw"),
        ]

    def __str__(self):
        return f"{self.display_title} ({self.draw_date:%d.%m.%Y})" if self.draw_date else self.display_title

    # The texts in the page's language: Kazakh on /kk/ where entered, else Russian.
    display_title = TranslatedField(ru="title", kk="title_kk")
    display_prizes = TranslatedField(ru="prizes", kk="prizes_kk")
    display_rules = TranslatedField(ru="rules", kk="rules_kk")

    @property
    def prize_list(self) -> list[str]:
        prizes = self.display_prizes
        return [ContentText(line.strip(), prizes.lang) for line in prizes.splitlines() if line.strip()]

    @property
    def is_drawn(self) -> bool:
        return self.status == GiveawayStatus.DRAWN


class GiveawayEntry(models.Model):
    """One author's entry: every comment of theirs merged, with the handles they tagged and,
    when out, why."""

    BRANCH_SCOPE_FIELD = "giveaway__organisation"

    giveaway = models.ForeignKey(Giveaway, on_delete=models.CASCADE, related_name="entries", verbose_name=_("giveaway"))
    author = models.CharField(_("author"), max_length=30)
    text = models.TextField(_("comments"), blank=True)
    tagged_handles = models.JSONField(_("tagged handles"), default=list, blank=True)
    comment_count = models.PositiveIntegerField(_("comments"), default=1)
    marked_follower = models.BooleanField(
        _("follower (marked by staff)"),
        default=False,
        help_text=_("Tick when staff checked that the author follows the page."),
    )
    is_eligible = models.BooleanField(_("eligible"), default=False)
    ineligible_reasons = models.JSONField(_("why not eligible"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["giveaway", "author"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["giveaway", "author"], name="giveaway_entry_one_per_author", violation_error_message=_("This account already has an entry in this giveaway.")),
        ]
        indexes = [models.Index(fields=["giveaway", "is_eligible"], name="giveaway_entry_eligible")]

    def __str__(self):
        return f"@{self.author}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(IneligibleReason.choices)
        return [str(labels.get(code, code)) for code in self.ineligible_reasons]


class Follower(models.Model):
    """A handle known to follow the organisation's Instagram page."""

    BRANCH_SCOPE_FIELD = "organisation"

    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        related_name="giveaway_followers",
        verbose_name=_("organisation"),
    )
    handle = models.CharField(_("account"), max_length=30)
    source = models.CharField(_("source"), max_length=20, choices=FollowerSource.choices, default=FollowerSource.IMPORT)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["organisation", "handle"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["organisation", "handle"], name="giveaway_follower_unique", violation_error_message=_("This account is already among the followers of this organisation."))]

    def __str__(self):
        return f"@{self.handle}"


class GiveawayDraw(models.Model):
    """The one draw of a giveaway. Its unique giveaway makes a second draw impossible,
    whichever worker or beat tries it."""

    BRANCH_SCOPE_FIELD = "giveaway__organisation"

    giveaway = models.OneToOneField(Giveaway, on_delete=models.PROTECT, related_name="draw", verbose_name=_("giveaway"))
    drawn_at = models.DateTimeField(_("drawn at"))
    trigger = models.CharField(
        _("started by"), max_length=20, choices=DrawTrigger.choices, default=DrawTrigger.SCHEDULE
    )
    late = models.BooleanField(_("drawn late (catch-up)"), default=False)

    objects = ScopedManager()

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self):
        return str(self.giveaway)


class Winner(models.Model):
    """A winner: a handle and its place in the draw's ranking."""

    BRANCH_SCOPE_FIELD = "giveaway__organisation"

    giveaway = models.ForeignKey(Giveaway, on_delete=models.CASCADE, related_name="winners", verbose_name=_("giveaway"))
    handle = models.CharField(_("account"), max_length=30)
    rank = models.PositiveIntegerField(_("place in the ranking"))
    replaced = models.BooleanField(_("replaced by a redraw"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["giveaway", "rank"]
        verbose_name = _("winner")
        verbose_name_plural = _("winners")
        constraints = [
            models.UniqueConstraint(fields=["giveaway", "handle"], name="giveaway_winner_unique_handle", violation_error_message=_("This account has already won this giveaway.")),
            models.UniqueConstraint(fields=["giveaway", "rank"], name="giveaway_winner_unique_rank", violation_error_message=_("This place in the ranking is already taken.")),
        ]
        indexes = [models.Index(fields=["handle"], name="giveaway_winner_handle")]

    def __str__(self):
        return f"@{self.handle}"


class Redraw(models.Model):
    """A winner replaced by the next handle of the ranking, with the staff's reason."""

    BRANCH_SCOPE_FIELD = "giveaway__organisation"

    giveaway = models.ForeignKey(Giveaway, on_delete=models.PROTECT, related_name="redraws", verbose_name=_("giveaway"))
    replaced_winner = models.OneToOneField(
        Winner, on_delete=models.PROTECT, related_name="replaced_by", verbose_name=_("replaced winner")
    )
    new_winner = models.OneToOneField(
        Winner, on_delete=models.PROTECT, related_name="replaces", verbose_name=_("new winner")
    )
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["giveaway", "created_at"]
        verbose_name = _("redraw")
        verbose_name_plural = _("redraws")

    def __str__(self):
        return f"@{self.replaced_winner.handle} → @{self.new_winner.handle}"


class EntryImport(models.Model):
    """One paste or upload of comments, with every line that could not be read."""

    BRANCH_SCOPE_FIELD = "giveaway__organisation"

    giveaway = models.ForeignKey(Giveaway, on_delete=models.CASCADE, related_name="imports", verbose_name=_("giveaway"))
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    comments = models.PositiveIntegerField(_("comments read"), default=0)
    entries_added = models.PositiveIntegerField(_("new entries"), default=0)
    entries_merged = models.PositiveIntegerField(_("comments merged into earlier entries"), default=0)
    problems = models.JSONField(_("lines that could not be read"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("comment import")
        verbose_name_plural = _("comment imports")

    def __str__(self):
        return f"{self.giveaway} · {self.created_at:%d.%m.%Y %H:%M}" if self.created_at else str(self.giveaway)


class FetchedComment(models.Model):
    """A comment already read from the giveaway's Instagram post through the Graph API, so
    re-reading the post until entries close never counts a comment twice."""

    BRANCH_SCOPE_FIELD = "giveaway__organisation"

    giveaway = models.ForeignKey(
        Giveaway, on_delete=models.CASCADE, related_name="fetched_comments", verbose_name=_("giveaway")
    )
    comment_id = models.CharField(_("comment id in Meta"), max_length=60)
    fetched_at = models.DateTimeField(_("read at"), auto_now_add=True)


    objects = ScopedManager()

    class Meta:
        ordering = ["giveaway", "fetched_at"]
        verbose_name = _("comment read from Instagram")
        verbose_name_plural = _("comments read from Instagram")
        constraints = [
            models.UniqueConstraint(
                fields=["giveaway", "comment_id"],
                name="giveaway_fetched_comment_once",
                violation_error_message=_("This comment has already been read for this giveaway."),
            ),
        ]

    def __str__(self):
        return self.comment_id
