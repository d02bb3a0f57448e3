"""Staff work on giveaways here: create or change one, paste the comments, open, close,
draw, cancel, redraw a winner who does not answer, import the follower list."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from branches.admin_base import BranchLevelFilter, BranchScopedAdmin, BranchScopedTabularInline
from branches.models import Organisation
from giveaways import services
from giveaways.choices import DrawTrigger, GiveawayStatus, ParseProblem
from giveaways.forms import CommentsImportForm, FollowersImportForm, GiveawayAdminForm, ReasonForm, RedrawForm
from giveaways.models import EntryImport, Follower, Giveaway, GiveawayEntry, Redraw, Winner
from unionportal.admin_base import BoundedCountPaginator, period_filter
from unionportal.exceptions import ApplicationError


class WinnerInline(BranchScopedTabularInline):
    model = Winner
    fields = ["rank", "handle", "replaced"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RedrawInline(BranchScopedTabularInline):
    model = Redraw
    fields = ["replaced_winner", "new_winner", "reason", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EntryImportInline(BranchScopedTabularInline):
    model = EntryImport
    fields = [
        "created_at",
        "created_by",
        "file_name",
        "lines",
        "comments",
        "entries_added",
        "entries_merged",
        "problem_list",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("lines that could not be read"))
    def problem_list(self, obj):
        return problems_html(obj.problems)


def problems_html(problems):
    labels = dict(ParseProblem.choices)
    return format_html_join(
        "\n",
        "<div>{}: {} — <code>{}</code> {}</div>",
        ((p["line"], labels.get(p["code"], p["code"]), p["text"], p.get("detail", "")) for p in problems),
    )


@admin.register(Giveaway)
class GiveawayAdmin(BranchScopedAdmin):
    form = GiveawayAdminForm
    change_form_template = "admin/giveaways/giveaway/change_form.html"
    list_display = ["title", "organisation", "draw_date", "status", "entry_count", "winner_handles"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "title_kk"]
    date_hierarchy = "draw_date"
    list_select_related = ["organisation"]
    readonly_fields = [
        "status",
        "draw_date",
        "seed_commitment",
        "committed_at",
        "closed_at",
        "list_hash",
        "entry_count",
        "drawn_at",
        "revealed_seed",
        "drand_round",
        "drand_randomness",
        "cancel_reason",
    ]
    # The Russian and the Kazakh texts side by side.
    fields = [
        "organisation",
        "social_page",
        ("title", "title_kk"),
        ("prizes", "prizes_kk"),
        "winner_count",
        ("rules", "rules_kk"),
        "post_url",
        "entries_close_at",
        "draw_at",
        *readonly_fields,
    ]
    inlines = [WinnerInline, RedrawInline, EntryImportInline]
    actions = ["open_selected", "close_selected", "draw_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("winners")

    @admin.display(description=_("winners"))
    def winner_handles(self, obj):
        return " ".join(f"@{w.handle}" for w in obj.winners.all() if not w.replaced)

    def get_readonly_fields(self, request, obj=None):
        # After the close the published data must not move: times, winners, organisation.
        if obj is not None and obj.status not in (GiveawayStatus.DRAFT, GiveawayStatus.OPEN):
            return [*self.readonly_fields, "organisation", "social_page", "winner_count", "entries_close_at", "draw_at"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # The form checked the same rules, so the service's own check cannot fail here. The
        # service saves, and only what staff edit: a second, plain save() of this copy would
        # undo a close or draw committed since the form was read.
        services.giveaway_save(giveaway=obj)
        # BranchScopedAdmin's guard against a forged POST, kept without its save().
        self.check_object_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        # The record of a published giveaway stays; cancel it instead.
        if obj is not None and obj.status != GiveawayStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    # --- actions ---
    def _run(self, request, queryset, func, done_message):
        done = 0
        for giveaway in queryset:
            try:
                if func(giveaway):
                    done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{giveaway}: {exc.message}", messages.ERROR)
        self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Open: publish the seed commitment"), permissions=["change"])
    def open_selected(self, request, queryset):
        self._run(request, queryset, lambda g: services.giveaway_open(giveaway=g), _("Opened: %(count)s."))

    @admin.action(description=_("Close now: freeze the list of entries"), permissions=["change"])
    def close_selected(self, request, queryset):
        self._run(request, queryset, lambda g: services.giveaway_close(giveaway_id=g.pk), _("Closed: %(count)s."))

    @admin.action(description=_("Draw now (closed giveaways whose draw time has come)"), permissions=["change"])
    def draw_selected(self, request, queryset):
        def draw(g):
            if g.draw_at > timezone.now():
                raise ApplicationError(_("The draw time has not come yet."))
            return services.giveaway_draw(giveaway_id=g.pk, trigger=DrawTrigger.STAFF)

        self._run(request, queryset, draw, _("Drawn: %(count)s."))

    # --- own pages ---
    def get_urls(self):
        own = [
            path("<int:pk>/import/", self.admin_site.admin_view(self.import_view), name="giveaways_giveaway_import"),
            path("<int:pk>/redraw/", self.admin_site.admin_view(self.redraw_view), name="giveaways_giveaway_redraw"),
            path("<int:pk>/cancel/", self.admin_site.admin_view(self.cancel_view), name="giveaways_giveaway_cancel"),
        ]
        return own + super().get_urls()

    def _get_for_change(self, request, pk):
        giveaway = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, giveaway):
            raise PermissionDenied
        return giveaway

    def _form_page(self, request, giveaway, form, title, extra=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": giveaway,
            "title": title,
            "form": form,
            **(extra or {}),
        }
        return TemplateResponse(request, "admin/giveaways/giveaway/action_form.html", context)

    def import_view(self, request, pk):
        giveaway = self._get_for_change(request, pk)
        form = CommentsImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                record = services.entries_import(
                    giveaway=giveaway,
                    text=form.cleaned_data["text"],
                    file_name=upload.name if upload else "",
                    user=request.user,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    _("%(comments)s comments read: %(added)s new entries, %(merged)s merged into earlier ones.")
                    % {"comments": record.comments, "added": record.entries_added, "merged": record.entries_merged},
                    messages.SUCCESS,
                )
                if record.problems:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)s line could not be read; see the list below.",
                            "%(count)s lines could not be read; see the list below.",
                            len(record.problems),
                        )
                        % {"count": len(record.problems)},
                        messages.WARNING,
                    )
                    return self._form_page(
                        request,
                        giveaway,
                        CommentsImportForm(),
                        _("Paste comments"),
                        {"problems": problems_html(record.problems)},
                    )
                return redirect(reverse("admin:giveaways_giveaway_change", args=[giveaway.pk]))
        return self._form_page(request, giveaway, form, _("Paste comments"))

    def redraw_view(self, request, pk):
        giveaway = self._get_for_change(request, pk)
        if giveaway.status != GiveawayStatus.DRAWN:
            self.message_user(request, _("Only a drawn giveaway can be redrawn."), messages.ERROR)
            return redirect(reverse("admin:giveaways_giveaway_change", args=[giveaway.pk]))
        form = RedrawForm(request.POST or None, giveaway=giveaway)
        if request.method == "POST" and form.is_valid():
            try:
                redraw = services.winner_redraw(
                    winner=form.cleaned_data["winner"], reason=form.cleaned_data["reason"], user=request.user
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                # The history shows the message as written: write it in the staff's language.
                self.log_change(
                    request,
                    giveaway,
                    str(_("Winner replaced: %(redraw)s (%(reason)s)") % {"redraw": redraw, "reason": redraw.reason}),
                )
                self.message_user(request, _("Winner replaced: %(redraw)s.") % {"redraw": redraw}, messages.SUCCESS)
                return redirect(reverse("admin:giveaways_giveaway_change", args=[giveaway.pk]))
        return self._form_page(request, giveaway, form, _("Redraw a winner"))

    def cancel_view(self, request, pk):
        giveaway = self._get_for_change(request, pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                giveaway = services.giveaway_cancel(giveaway=giveaway, reason=form.cleaned_data["reason"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.log_change(request, giveaway, str(_("Cancelled: %(reason)s") % {"reason": giveaway.cancel_reason}))
                self.message_user(request, _("The giveaway was cancelled."), messages.SUCCESS)
                return redirect(reverse("admin:giveaways_giveaway_change", args=[giveaway.pk]))
        return self._form_page(request, giveaway, form, _("Cancel the giveaway"))


class WonFilter(admin.SimpleListFilter):
    """Entries whose author won (a winner not replaced by a redraw): the dashboard's winners."""

    title = _("won")
    parameter_name = "won"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        won = Exists(Winner.objects.filter(giveaway=OuterRef("giveaway"), handle=OuterRef("author"), replaced=False))
        return queryset.filter(won) if self.value() == "yes" else queryset.exclude(won)


@admin.register(GiveawayEntry)
class GiveawayEntryAdmin(BranchScopedAdmin):
    list_display = ["author", "giveaway", "tag_count", "comment_count", "is_eligible", "reasons", "marked_follower"]
    # The draw's Friday (`giveaway__draw_date__year=…`) and the organisation
    # (`giveaway__organisation__id__in=…`) are what the dashboard's figures link with.
    list_filter = [
        "is_eligible",
        WonFilter,
        "giveaway__status",
        "marked_follower",
        ("giveaway__organisation", BranchLevelFilter),
        period_filter("giveaway__draw_date", _("draw date")),
    ]
    # No date drill-down over the giveaways of every entry, and one bounded count a page.
    show_full_result_count = False
    paginator = BoundedCountPaginator
    # The giveaway's page links to its entries.
    extra_lookups = ("giveaway__id__exact",)
    search_fields = ["author", "text"]
    list_select_related = ["giveaway"]
    readonly_fields = [
        "giveaway",
        "author",
        "text",
        "tagged_handles",
        "comment_count",
        "is_eligible",
        "reasons",
        "marked_follower",
    ]
    fields = readonly_fields
    actions = ["mark_follower"]

    def has_add_permission(self, request):
        return False  # entries come from the comments of the post only

    @admin.display(description=_("tagged"))
    def tag_count(self, obj):
        return len(obj.tagged_handles)

    @admin.display(description=_("why not eligible"))
    def reasons(self, obj):
        return "; ".join(obj.reason_labels)

    @admin.action(description=_("Mark as followers of the page"), permissions=["change"])
    def mark_follower(self, request, queryset):
        done, refused = services.entries_mark_follower(
            entries=list(queryset.select_related("giveaway")), user=request.user
        )
        for entry, exc in refused:
            self.message_user(request, f"@{entry.author}: {exc.message}", messages.ERROR)
        self.message_user(request, _("Marked as followers: %(count)s.") % {"count": len(done)}, messages.SUCCESS)


@admin.register(Follower)
class FollowerAdmin(BranchScopedAdmin):
    list_display = ["handle", "organisation", "source", "added_at"]
    list_filter = ["source", "organisation"]
    search_fields = ["handle"]
    change_list_template = "admin/giveaways/follower/change_list.html"

    def get_urls(self):
        own = [path("import/", self.admin_site.admin_view(self.import_view), name="giveaways_follower_import")]
        return own + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        organisations = Organisation.objects.for_user(request.user)
        form = FollowersImportForm(request.POST or None, organisations=organisations)
        extra = {}
        if request.method == "POST" and form.is_valid():
            added, problems = services.followers_import(
                organisation=form.cleaned_data["organisation"], text=form.cleaned_data["text"]
            )
            self.message_user(request, _("Followers added: %(count)s.") % {"count": added}, messages.SUCCESS)
            if not problems:
                return redirect(reverse("admin:giveaways_follower_changelist"))
            extra["problems"] = problems_html(
                [{"line": p.line_no, "text": p.line, "code": p.code, "detail": p.detail} for p in problems]
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import followers"),
            "form": form,
            **extra,
        }
        return TemplateResponse(request, "admin/giveaways/giveaway/action_form.html", context)
