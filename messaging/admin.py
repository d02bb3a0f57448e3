"""The staff's view of the bot: subscriber COUNTS (never a list of people), the broadcasts
with their outcome, a "send now" for an important notice with a preview in both
languages, and the digest preferences."""

from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_regional
from branches.admin_base import BranchScopedAdmin
from branches.choices import OrganisationKind
from branches.models import Organisation
from branches.scoping import visible_organisation_ids
from messaging import selectors, services, texts
from messaging.choices import Kind
from messaging.models import Broadcast, DigestPreference, Subscriber
from messaging.telegram import bot_enabled
from unionportal.exceptions import ApplicationError


def warn_if_bot_off(request) -> None:
    if not bot_enabled():
        messages.warning(
            request,
            gettext("The Telegram bot is off: TELEGRAM_BOT_TOKEN is not set. Messages wait in the outbox until it is."),
        )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Counts per branch and language; there is no list of subscribers, by design."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The list of numbers only: no one opens one subscriber's row.
        return obj is None and super().has_view_permission(request)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.GET and request.GET.get("e") != "1":
            # The page offers no filter or search: any lookup is refused, as Django's lists do.
            return redirect(f"{request.path}?e=1")
        warn_if_bot_off(request)
        rows = selectors.subscriber_counts(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Subscribers of the Telegram bot"),
            "opts": self.model._meta,
            "rows": rows,
            # No list filters here (the numbers are the whole page), for tools that read `cl`.
            "cl": SimpleNamespace(filter_specs=[]),
            "total": {"ru": sum(r["ru"] for r in rows), "kk": sum(r["kk"] for r in rows), "total": sum(r["total"] for r in rows)},
        }
        return TemplateResponse(request, "admin/messaging/subscriber_counts.html", context)


class NoticeForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=_("To"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Every subscriber"),
        help_text=_("One branch's subscribers, or every subscriber of the bot."),
    )
    text_ru = forms.CharField(label=_("Text in Russian"), widget=forms.Textarea(attrs={"rows": 6}), max_length=3500, required=False)
    text_kk = forms.CharField(label=_("Text in Kazakh"), widget=forms.Textarea(attrs={"rows": 6}), max_length=3500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Organisation.objects.filter(kind=OrganisationKind.BRANCH, is_active=True).order_by("position", "name_ru")
        if not is_regional(user):
            branches = branches.filter(pk__in=visible_organisation_ids(user))
            self.fields["branch"].required = True
            self.fields["branch"].empty_label = None
        self.fields["branch"].queryset = branches
        self.fields["branch"].label_from_instance = lambda organisation: organisation.name_ru


@admin.register(Broadcast)
class BroadcastAdmin(BranchScopedAdmin):
    list_display = ("created_at", "kind", "audience", "recipients", "delivered", "blocked", "failed", "waiting")
    list_filter = ("kind",)
    date_hierarchy = "created_at"
    readonly_fields = ("kind", "branch", "text_ru", "text_kk", "recipients", "created_by", "created_at")
    fields = readonly_fields
    change_list_template = "admin/messaging/broadcast_change_list.html"

    def get_queryset(self, request):
        return selectors.broadcasts_with_outcome(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # what was sent is a record, like the appeals' history

    @admin.display(description=_("to"))
    def audience(self, obj):
        return obj.branch.name_ru if obj.branch_id else gettext("Every subscriber")

    @admin.display(description=_("delivered"), ordering="delivered")
    def delivered(self, obj):
        return obj.delivered

    @admin.display(description=_("blocked"), ordering="blocked")
    def blocked(self, obj):
        return obj.blocked

    @admin.display(description=_("failed"), ordering="failed")
    def failed(self, obj):
        return obj.failed

    @admin.display(description=_("waiting"), ordering="waiting")
    def waiting(self, obj):
        return obj.waiting

    def changelist_view(self, request, extra_context=None):
        warn_if_bot_off(request)
        # Django's "Select broadcast to view" does not decline in Russian or Kazakh.
        extra = {"can_send_notice": self.may_send(request), "title": gettext("What was sent"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def get_urls(self):
        notice = path("send-notice/", self.admin_site.admin_view(self.send_notice_view), name="messaging_broadcast_send_notice")
        return [notice, *super().get_urls()]

    def may_send(self, request) -> bool:
        return request.user.has_perm("messaging.add_broadcast") or request.user.is_superuser

    def send_notice_view(self, request):
        if not self.may_send(request):
            raise PermissionDenied
        warn_if_bot_off(request)
        form = NoticeForm(request.POST or None, user=request.user)
        previews = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.notice_check(actor=request.user, branch=data["branch"], text_ru=data["text_ru"], text_kk=data["text_kk"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                if "send" in request.POST:
                    broadcast = services.notice_send(
                        actor=request.user, branch=data["branch"], text_ru=data["text_ru"], text_kk=data["text_kk"]
                    )
                    self.message_user(
                        request,
                        gettext("The notice is on its way to %(n)d subscribers.") % {"n": broadcast.recipients},
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:messaging_broadcast_changelist"))
                previews = texts.preview(kind=Kind.NOTICE, text_ru=data["text_ru"], text_kk=data["text_kk"])
                recipients = services.audience(kind=Kind.NOTICE, branch=data["branch"]).count()
                previews = {"ru": previews["ru"], "kk": previews["kk"], "recipients": recipients}
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Send an important notice"),
            "opts": self.model._meta,
            "form": form,
            "previews": previews,
        }
        return TemplateResponse(request, "admin/messaging/send_notice.html", context)


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "weekly_email", "changed_at")
    list_editable = ("weekly_email",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if is_regional(request.user) else qs.filter(user=request.user)
