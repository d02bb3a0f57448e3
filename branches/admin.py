from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_regional
from branches import selectors, services
from branches.admin_base import BranchScopedAdmin, BranchScopedTabularInline
from branches.charts import follower_chart_svg
from branches.choices import LinkProblem, Platform
from branches.imports import RegistryImporter
from branches.linkcheck import DEAD_AFTER_FAILURES
from branches.models import FollowerCount, Organisation, OutreachVisit, SocialConnection, SocialPage
from unionportal.exceptions import ApplicationError
from unionportal.spreadsheet_admin import SpreadsheetImportMixin


class SocialPageInline(BranchScopedTabularInline):
    """Read-only here: a page is saved through its own form, which normalises the link."""

    model = SocialPage
    extra = 0
    fields = ["platform", "url", "handle", "kind", "is_official"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetImportMixin, BranchScopedAdmin):
    spreadsheet_importer = RegistryImporter
    list_display = ["name_ru", "kind", "parent", "primary_kind", "member_count", "chair_name", "position", "is_active"]
    list_filter = ["kind", "primary_kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name_ru", "name_kk", "chair_name"]
    prepopulated_fields = {"slug": ["name_ru"]}
    inlines = [SocialPageInline]
    fieldsets = [
        (None, {"fields": ["kind", "parent", "name_ru", "name_kk", "slug", "position", "is_active"]}),
        (_("Primary organisation"), {"fields": ["primary_kind", "member_count"]}),
        (_("Chair and contacts"), {"fields": ["chair_name", "phone", "email", "address"]}),
    ]
    # Where an organisation stands in the registry is the regional office's to decide: a
    # branch editor keeps their names and contacts current, but cannot re-parent or
    # re-kind an organisation (a loop of parents, or a "regional" branch).
    STRUCTURE_FIELDS = ["kind", "parent", "slug", "position", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_regional(request.user):
            readonly += self.STRUCTURE_FIELDS
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if is_regional(request.user) else {}


class ProblemFilter(admin.SimpleListFilter):
    title = _("problem")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("open", _("Any problem not resolved")), *LinkProblem.choices, ("resolved", _("Resolved"))]

    def queryset(self, request, queryset):
        value = self.value()
        any_problem = Q(link_failures__gte=DEAD_AFTER_FAILURES)
        for name in SocialPage.FLAG_FIELDS.values():
            any_problem |= Q(**{name: True})
        if value == "open":
            return queryset.filter(any_problem, problems_resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(any_problem, problems_resolved_at__isnull=False)
        if value == LinkProblem.DEAD_LINK:
            return queryset.filter(link_failures__gte=DEAD_AFTER_FAILURES)
        if value in SocialPage.FLAG_FIELDS:
            return queryset.filter(**{SocialPage.FLAG_FIELDS[value]: True})
        return queryset


class SocialPageForm(forms.ModelForm):
    # A plain text field: a pasted link with spaces or tracking parameters is cleaned by the service.
    url = forms.CharField(label=_("link"), max_length=1000, widget=forms.TextInput(attrs={"size": 80}))

    class Meta:
        model = SocialPage
        fields = ["organisation", "platform", "url", "is_official", "notes"]

    def _post_clean(self):
        # Instead of the ModelForm's copy-and-validate: the service fills the instance from
        # the link as entered (normalised, flagged, checked for a duplicate) and validates it,
        # so the form shows what the save would refuse. The save runs the same service.
        if self.errors or not self.cleaned_data.get("organisation"):
            return
        try:
            services.social_page_prepare(page=self.instance, **self.page_arguments())
        except ApplicationError as exc:
            self.add_error("url", exc.message)
        except ValidationError as exc:
            self._update_errors(exc)


    def page_arguments(self) -> dict:
        """What the form gives the page services (the same for the check and for the save)."""
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "url": data["url"],
            "platform": data["platform"],
            "is_official": data.get("is_official"),
            "notes": data.get("notes", ""),
        }


class FollowerCountInline(BranchScopedTabularInline):
    model = FollowerCount
    extra = 1
    fields = ["date", "count"]
    ordering = ["-date"]
    # Folded: the chart and its table above show the history; open it to add or correct a count.
    classes = ["collapse"]


@admin.register(SocialPage)
class SocialPageAdmin(SpreadsheetImportMixin, BranchScopedAdmin):
    spreadsheet_importer = RegistryImporter
    form = SocialPageForm
    list_display = ["organisation", "platform", "handle", "problem_list", "resolved", "kind", "link_state", "link"]
    list_filter = [ProblemFilter, "platform", "kind", "is_official"]
    list_select_related = ["organisation"]
    search_fields = ["url", "original_url", "handle", "organisation__name_ru"]

    def get_queryset(self, request):
        # The autocomplete of other admins names each page by its organisation (__str__).
        return super().get_queryset(request).select_related("organisation")
    readonly_fields = [
        "original_url", "handle", "kind", "problem_list", "problems_resolved_at", "problems_resolved_by",
        "link_status_code", "link_final_url", "link_checked_at", "link_error", "link_failures", "follower_chart",
    ]
    inlines = [FollowerCountInline]
    actions = ["mark_resolved", "check_links_now"]

    def get_fields(self, request, obj=None):
        fields = ["organisation", "platform", "url", "is_official", "notes", "original_url", "handle", "kind", "problem_list"]
        if obj is not None:
            fields += [
                "problems_resolved_at", "problems_resolved_by", "link_status_code", "link_final_url",
                "link_checked_at", "link_error", "link_failures", "follower_chart",
            ]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and obj.original_url:
            form.base_fields["url"].initial = obj.url
        return form

    def save_model(self, request, obj, form, change):
        try:
            services.social_page_save(page=obj, **form.page_arguments())
        except ApplicationError as exc:
            # The form checked the link already; what is left is a duplicate found meanwhile.
            raise PermissionDenied(exc.message) from exc
        self.check_object_scope(request, obj)

    def delete_model(self, request, obj):
        services.social_page_delete(page=obj)

    def delete_queryset(self, request, queryset):
        for page in queryset:
            services.social_page_delete(page=page)

    @admin.display(description=_("link"), ordering="url")
    def link(self, obj):
        text = obj.url.removeprefix("https://").removeprefix("www.")
        short = text if len(text) <= 40 else text[:39] + "…"
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer" title="{}">{}</a>', obj.url, obj.url, short)

    @admin.display(description=_("problems"))
    def problem_list(self, obj):
        problems = obj.problems
        if not problems:
            return "—"
        return format_html_join(format_html("<br>"), "⚠ {}", ((LinkProblem(p).label,) for p in problems))

    @admin.display(description=_("resolved"), boolean=True)
    def resolved(self, obj):
        if not obj.problems:
            return None
        return obj.problems_resolved_at is not None

    @admin.display(description=_("last check"), ordering="link_checked_at")
    def link_state(self, obj):
        if obj.link_checked_at is None:
            return "—"
        return obj.link_status_code or obj.link_error[:40]

    @admin.display(description=_("followers"))
    def follower_chart(self, obj):
        return follower_chart_svg(list(selectors.follower_history(social_page=obj)), with_table=True)

    @admin.action(description=_("Mark problems resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = services.social_pages_mark_resolved(pages=list(queryset), user=request.user)
        self.message_user(request, gettext("Problems marked resolved on %(count)s pages.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Check links now"), permissions=["change"])
    def check_links_now(self, request, queryset):
        from branches.tasks import check_all_links

        ids = list(queryset.values_list("pk", flat=True))
        check_all_links.delay(SocialPage._meta.label_lower, ids)
        self.message_user(
            request,
            gettext("The check of %(count)s links is queued; the results appear here when it ends.") % {"count": len(ids)},
            messages.INFO,
        )


@admin.register(FollowerCount)
class FollowerCountAdmin(BranchScopedAdmin):
    list_display = ["social_page", "organisation", "date", "count"]
    list_filter = ["social_page__platform", "date"]
    list_select_related = ["social_page__organisation"]
    date_hierarchy = "date"
    search_fields = ["social_page__handle", "social_page__organisation__name_ru"]
    autocomplete_fields = ["social_page"]

    @admin.display(description=_("organisation"), ordering="social_page__organisation__position")
    def organisation(self, obj):
        return obj.social_page.organisation


@admin.register(OutreachVisit)
class OutreachVisitAdmin(BranchScopedAdmin):
    list_display = ["date", "campaign", "branch", "where", "is_online", "visitors"]
    # Only the branches with visits in the list (scoped): not every school of the registry,
    # and not other branches' names to a branch editor.
    list_filter = ["campaign", "is_online", ("branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["branch", "visited_organisation"]
    date_hierarchy = "date"
    search_fields = ["campaign", "place", "visitors", "notes", "branch__name_ru"]
    autocomplete_fields = ["visited_organisation"]

    @admin.display(description=_("where"))
    def where(self, obj):
        if obj.visited_organisation:
            return obj.visited_organisation.name
        return obj.place or (gettext("online") if obj.is_online else "—")



class SocialConnectionForm(forms.ModelForm):
    """The token is pasted here and never shown again: the field is always empty."""

    new_token = forms.CharField(
        label=_("long-lived access token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"size": 80, "autocomplete": "off"}),
        help_text=_(
            "Paste the token from the Graph API Explorer (see docs/social-intake.md). It is stored encrypted "
            "and never shown again; leave empty to keep the stored one."
        ),
    )

    class Meta:
        model = SocialConnection
        fields = ["social_page", "external_id", "is_enabled"]

    def clean_external_id(self):
        value = (self.cleaned_data.get("external_id") or "").strip()
        if not value.isdigit():
            raise ValidationError(gettext("The account id is a number, e.g. 17841400000000001."))
        return value

    def clean(self):
        data = super().clean()
        page = data.get("social_page")
        if page is not None and page.platform not in (Platform.INSTAGRAM, Platform.FACEBOOK):
            self.add_error("social_page", gettext("Only an Instagram or Facebook page can be connected."))
        if not self.instance.pk and not data.get("new_token"):
            self.add_error("new_token", gettext("Paste the token to connect the account."))
        if data.get("new_token"):
            from unionportal import outside

            try:
                outside.token_encrypt("check")
            except ApplicationError as exc:
                self.add_error("new_token", exc.message)
        return data


@admin.register(SocialConnection)
class SocialConnectionAdmin(BranchScopedAdmin):
    form = SocialConnectionForm
    list_display = ["social_page", "status", "token_expires_at", "last_success_at", "last_error_at", "is_enabled"]
    list_filter = ["status", "is_enabled"]
    list_select_related = ["social_page__organisation"]
    readonly_fields = ["status", "token_set_at", "token_expires_at", "last_success_at", "last_error_at", "last_error"]
    fields = ["social_page", "external_id", "is_enabled", "new_token", *readonly_fields]

    def save_model(self, request, obj, form, change):
        token = form.cleaned_data.get("new_token")
        super().save_model(request, obj, form, change)
        if token:
            try:
                services.social_connection_set_token(connection=obj, token=token)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, gettext("The token is stored encrypted; it will not be shown again."))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        from django.conf import settings

        if not settings.MEDIA_TOKEN_KEY:
            # Said before anyone pastes a token that could not be stored.
            self.message_user(
                request,
                gettext("MEDIA_TOKEN_KEY is not set on the server: tokens cannot be stored until it is."),
                messages.WARNING,
            )
        return form
