from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branches.admin_base import BranchScopedAdmin, BranchScopedTabularInline
from branches.choices import OrganisationKind
from branches.models import Organisation
from publications import services
from publications.forms import PublicationImageForm
from publications.imports import PublicationImporter
from publications.models import IncomingPost, Publication, PublicationImage, Repost, Rubric, Topic
from publications.selectors import find_by_url, organisation_filter
from unionportal.admin_base import BoundedCountPaginator, PortalAdmin
from unionportal.exceptions import AccessDenied, ApplicationError
from unionportal.spreadsheet_admin import SpreadsheetImportMixin


@admin.register(Rubric)
class RubricAdmin(PortalAdmin):
    list_display = ["name", "name_kk", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    # The Russian and the Kazakh name side by side.
    fields = [("name", "name_kk"), "slug", "description", ("position", "is_active")]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "name_kk", "slug"]


@admin.register(Topic)
class TopicAdmin(PortalAdmin):
    list_display = ["name_ru", "name_kk", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_ru", "name_kk", "slug"]


class PublicationImageInline(BranchScopedTabularInline):
    model = PublicationImage
    form = PublicationImageForm
    extra = 1
    fields = ["image", "caption", "position"]


class RepostInline(BranchScopedTabularInline):
    model = Repost
    extra = 0
    fields = ["partner_name", "url", "reposted_on"]


class BranchFilter(admin.SimpleListFilter):
    """The regional organisation and the branches (a branch includes its primary
    organisations), rather than every school in the registry."""

    title = _("organisation")
    parameter_name = "branch"

    def lookups(self, request, model_admin):
        qs = Organisation.objects.filter(kind__in=[OrganisationKind.REGIONAL, OrganisationKind.BRANCH]).for_user(request.user)
        return [(o.slug, o.name) for o in qs]

    def queryset(self, request, queryset):
        if self.value():
            organisation = Organisation.objects.filter(slug=self.value()).first()
            if organisation is not None:
                return queryset.filter(organisation_filter(organisation))
        return queryset


@admin.register(Publication)
class PublicationAdmin(SpreadsheetImportMixin, BranchScopedAdmin):
    spreadsheet_importer = PublicationImporter
    list_display = ["published_at", "title", "organisation", "channel", "rubric", "language"]
    list_filter = ["channel", "rubric", "language", BranchFilter]
    list_select_related = ["organisation", "rubric"]
    search_fields = ["title", "url"]
    autocomplete_fields = []
    filter_horizontal = ["topics"]
    inlines = [PublicationImageInline, RepostInline]
    # The log grows by hundreds a year and is imported in bulk: don't count it twice per page.
    show_full_result_count = False
    paginator = BoundedCountPaginator
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["url", "published_at", "title", "text", "channel", "organisation", "social_page"]}),
        (_("Classification"), {"fields": ["rubric", "topics", "language"]}),
        (_("Reach"), {"fields": ["views", "likes", "comments", "shares"], "classes": ["collapse"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_changeform_initial_data(self, request):
        """`?url=` (from quick entry or a bookmarklet) pre-fills what the link tells."""
        initial = super().get_changeform_initial_data(request)
        if request.GET.get("url"):
            recognised = services.publication_recognise_url(url=request.GET["url"])
            initial.update(recognised.initial)
        return initial

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class Form(form):
            def clean_url(self):
                url = services.normalise_url(self.cleaned_data.get("url") or "")
                if url:
                    existing = find_by_url(url, exclude=self.instance)
                    if existing is not None:
                        raise ValidationError(services.duplicate_message(existing), code="duplicate_url")
                return url

            def clean(self):
                data = super().clean()
                services.publication_check_page(
                    social_page=data.get("social_page"), organisation=data.get("organisation")
                )
                return data

        return Form

    def save_model(self, request, obj, form, change):
        # The same rules as every other entry point: through the service.
        fields = {name: form.cleaned_data[name] for name in services.PUBLICATION_FIELDS if name in form.cleaned_data}
        try:
            if change:
                services.publication_update(publication=obj, user=request.user, **fields)
            else:
                obj.created_by = request.user
                saved = services.publication_create(user=request.user, **fields)
                obj.pk = saved.pk
                obj._state.adding = False
        except AccessDenied as exc:
            raise PermissionDenied from exc


class IncomingStatusFilter(admin.SimpleListFilter):
    """The queue opens on what is still to review."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        from publications.choices import IncomingStatus

        return [*IncomingStatus.choices, ("all", _("All"))]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "pending") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "pending"
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(IncomingPost)
class IncomingPostAdmin(BranchScopedAdmin):
    """The review queue: posts that came in by themselves. One click accepts or rejects."""

    # The buttons come first, so they are in sight on a narrow screen too.
    list_display = ["decide", "short_title", "social_page", "published_at", "suggested_rubric", "thumb"]
    list_display_links = ["short_title"]
    list_filter = [IncomingStatusFilter, "social_page__platform"]
    list_select_related = ["social_page__organisation", "suggested_rubric", "publication"]
    search_fields = ["caption", "url"]
    fields = ["social_page", "url", "published_at", "caption", "image", "image_problem", "suggested_rubric",
              "status", "publication", "decided_by", "decided_at"]
    readonly_fields = ["social_page", "url", "published_at", "caption", "image", "image_problem", "status",
                       "publication", "decided_by", "decided_at"]
    actions = ["accept_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("title"))
    def short_title(self, obj):
        title = obj.title
        return title if len(title) <= 90 else title[:89] + "…"

    @admin.display(description=_("image"))
    def thumb(self, obj):
        if not obj.image:
            return ""
        return format_html('<img src="{}" alt="" style="max-width:64px;max-height:64px">', obj.image.url)

    @admin.display(description=_("decide"))
    def decide(self, obj):
        from publications.choices import IncomingStatus

        if obj.status != IncomingStatus.PENDING:
            return f"{obj.get_status_display()}: {obj.publication}" if obj.publication_id else obj.get_status_display()
        # The buttons submit the change list's own form (it carries the CSRF token) to our URLs.
        return format_html(
            '<button type="submit" class="button" formmethod="post" formaction="{}">{}</button> '
            '<button type="submit" class="button" formmethod="post" formaction="{}">{}</button>',
            reverse("admin:publications_incomingpost_accept", args=[obj.pk]),
            _("Accept"),
            reverse("admin:publications_incomingpost_reject", args=[obj.pk]),
            _("Reject"),
        )

    def get_urls(self):
        return [
            path("<int:pk>/accept/", self.admin_site.admin_view(self.accept_view), name="publications_incomingpost_accept"),
            path("<int:pk>/reject/", self.admin_site.admin_view(self.reject_view), name="publications_incomingpost_reject"),
            *super().get_urls(),
        ]

    def _decide(self, request, pk, accept: bool):
        from django.http import HttpResponseNotAllowed
        from django.shortcuts import get_object_or_404, redirect


        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        self._decide_one(request, post, accept)
        return redirect(request.META.get("HTTP_REFERER") or reverse("admin:publications_incomingpost_changelist"))

    def _decide_one(self, request, post, accept: bool) -> bool:
        from publications import intake

        try:
            if accept:
                publication = intake.incoming_post_accept(post=post, user=request.user)
                self.message_user(request, gettext("Logged as a publication: %(title)s") % {"title": publication.title})
            else:
                intake.incoming_post_reject(post=post, user=request.user)
                self.message_user(request, gettext("Rejected; it will not be offered again: %(title)s") % {"title": post.title})
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return False
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return False
        return True

    def accept_view(self, request, pk):
        return self._decide(request, pk, True)

    def reject_view(self, request, pk):
        return self._decide(request, pk, False)

    @admin.action(description=_("Accept the selected posts"), permissions=["change"])
    def accept_selected(self, request, queryset):
        for post in queryset:
            self._decide_one(request, post, True)

    @admin.action(description=_("Reject the selected posts"), permissions=["change"])
    def reject_selected(self, request, queryset):
        for post in queryset:
            self._decide_one(request, post, False)

    def save_model(self, request, obj, form, change):
        # Only the suggested rubric can be corrected before accepting.
        obj.save(update_fields=["suggested_rubric"])
