from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from branches.admin_base import BranchScopedAdmin, BranchScopedTabularInline
from branches.choices import OrganisationKind
from branches.models import Organisation
from publications import services
from publications.forms import PublicationImageForm
from publications.imports import PublicationImporter
from publications.models import Publication, PublicationImage, Repost, Rubric, Topic
from publications.selectors import organisation_filter
from unionportal.admin_base import PortalAdmin
from unionportal.exceptions import AccessDenied
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
                    existing = Publication.objects.filter(url=url).exclude(pk=self.instance.pk).first()
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
