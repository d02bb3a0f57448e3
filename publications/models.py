"""The publications log: every post, article and printed item the organisation and its
branches put out, with the page it appeared on, its rubric, topics, images and reach."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from branches.scoping import ScopedManager
from publications.choices import Channel, IncomingStatus, Language
from unionportal.content_language import TranslatedField, in_page_language
from unionportal.models import CachedChoiceLabels
from unionportal.validators import validate_multiline_text, validate_sane_date, validate_single_line


class Rubric(models.Model):
    """A recurring series of posts, e.g. «Человек труда»; staff add new ones."""

    # `name` is the Russian name (the one every import and report matches on); `name_kk`
    # the Kazakh one, e.g. «Еңбек адамы» for «Человек труда».
    name = models.CharField(_("name (Russian)"), max_length=200, help_text=_("As it appears on the Russian pages."))
    name_kk = models.CharField(
        _("name (Kazakh)"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Shown on the Kazakh pages; the Russian name where empty."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    # The name in the page's language: Kazakh on /kk/ where entered, else Russian.
    display_name = TranslatedField(ru="name", kk="name_kk")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self):
        return self.display_name


class Topic(models.Model):
    """What a publication is about: labour rights, labour safety, wages, social support …"""

    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name_ru"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_page_language(self.name_ru, self.name_kk)


class Publication(CachedChoiceLabels, models.Model):
    """One post, article or printed item, published by an organisation on some channel."""

    BRANCH_SCOPE_FIELD = "organisation"

    published_at = models.DateTimeField(
        _("published"), help_text=_("Kazakhstan time (Asia/Almaty)."), validators=[validate_sane_date]
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    text = models.TextField(_("text or summary"), blank=True, validators=[validate_multiline_text])
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("organisation"),
    )
    social_page = models.ForeignKey(
        "branches.SocialPage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("page"),
        help_text=_("The page from the registry the post appeared on."),
    )
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("rubric"),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="publications", verbose_name=_("topics"))
    language = models.CharField(_("language"), max_length=4, choices=Language.choices, default=Language.RU)
    url = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("The post's address; the same link cannot be logged twice."),
    )
    views = models.PositiveIntegerField(_("views"), null=True, blank=True)
    likes = models.PositiveIntegerField(_("likes"), null=True, blank=True)
    comments = models.PositiveIntegerField(_("comments"), null=True, blank=True)
    shares = models.PositiveIntegerField(_("shares"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        # The id breaks ties, so keyset pagination is stable when two posts share a minute.
        ordering = ["-published_at", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="publication_url_unique_when_present", violation_error_message=_("A publication with this link is already in the log.")),
        ]
        indexes = [
            # The news list: newest first, alone or filtered by one facet.
            models.Index(fields=["-published_at", "-id"], name="publication_newest"),
            models.Index(fields=["organisation", "-published_at", "-id"], name="publication_org_newest"),
            models.Index(fields=["rubric", "-published_at", "-id"], name="publication_rubric_newest"),
            models.Index(fields=["channel", "-published_at", "-id"], name="publication_channel_newest"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", args=[self.pk])

    @property
    def has_reach(self) -> bool:
        return any(v is not None for v in (self.views, self.likes, self.comments, self.shares))


def _image_path(instance, filename):
    return f"publications/{instance.publication_id or 'new'}/{filename}"


def _thumbnail_path(instance, filename):
    return f"publications/{instance.publication_id or 'new'}/thumbs/{filename}"


class PublicationImage(models.Model):
    """A picture of a publication, re-encoded without EXIF, with its thumbnail."""

    BRANCH_SCOPE_FIELD = "publication__organisation"

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="images", verbose_name=_("publication")
    )
    image = models.ImageField(_("image"), upload_to=_image_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_thumbnail_path, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedManager()

    class Meta:
        ordering = ["publication", "position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.caption or self.image.name


class Repost(models.Model):
    """A social partner sharing the union's publication on their own page."""

    BRANCH_SCOPE_FIELD = "publication__organisation"

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="reposts", verbose_name=_("publication")
    )
    partner_name = models.CharField(_("partner"), max_length=255, validators=[validate_single_line])
    url = models.URLField(_("link"), max_length=500, blank=True)
    reposted_on = models.DateField(_("date"), null=True, blank=True, validators=[validate_sane_date])

    objects = ScopedManager()

    class Meta:
        ordering = ["publication", "reposted_on", "id"]
        verbose_name = _("repost by a social partner")
        verbose_name_plural = _("reposts by social partners")

    def __str__(self):
        return self.partner_name


def _incoming_image_path(instance, filename):
    return f"publications/incoming/{filename}"


class IncomingPost(models.Model):
    """A post read from a connected account, waiting in the review queue.

    One row per post of the platform (its id is unique), so a post reaches the queue once
    and a rejected post is never offered again. Accepting it logs a Publication through
    `publications.services`; a post already logged by hand is matched to that record.
    """

    BRANCH_SCOPE_FIELD = "social_page__organisation"

    social_page = models.ForeignKey(
        "branches.SocialPage", on_delete=models.PROTECT, related_name="incoming_posts", verbose_name=_("page")
    )
    external_id = models.CharField(_("post id in Meta"), max_length=60, unique=True)
    url = models.URLField(_("link"), max_length=500)
    published_at = models.DateTimeField(_("published"))
    caption = models.TextField(_("caption"), blank=True)
    media_type = models.CharField(_("kind of post"), max_length=30, blank=True)
    image = models.ImageField(_("image"), upload_to=_incoming_image_path, blank=True)
    image_problem = models.CharField(_("why there is no image"), max_length=300, blank=True)
    suggested_rubric = models.ForeignKey(
        Rubric, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("suggested rubric")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IncomingStatus.choices, default=IncomingStatus.PENDING, db_index=True
    )
    publication = models.ForeignKey(
        Publication, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("publication")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("came in"), auto_now_add=True)


    objects = ScopedManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("post to review")
        verbose_name_plural = _("posts to review")
        indexes = [models.Index(fields=["status", "-published_at"], name="incomingpost_status_newest")]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        """The caption's first line, as the publication's title will be."""
        from publications.intake import caption_title

        return caption_title(self.caption) or str(_("Post without a caption"))
