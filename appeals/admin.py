"""The staff side of appeals: logging appeals from other channels, the workflow, notes,
canned replies, the FAQ, and the personal-data actions (export and erasure on request).

Contact details appear only to those `selectors.can_see_personal_data` allows; the others
get a form without those fields at all, so neither the page nor a forged POST reaches them.
"""


from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_regional
from appeals import replies, selectors, services
from appeals.choices import OPEN_STATUSES, STAFF_CHANNELS, Channel, Status
from appeals.imports import AppealImporter
from appeals.models import Appeal, AppealEvent, CannedReply, FaqEntry
from appeals.phones import display_phone
from appeals.workdays import add_working_days
from branches.admin_base import BranchScopedAdmin, BranchScopedTabularInline
from branches.scoping import user_organisation_id, visible_organisation_ids
from unionportal.admin_base import PortalAdmin
from unionportal.exceptions import ApplicationError
from unionportal.spreadsheet_admin import SpreadsheetImportMixin

CONTACT_FIELDS = ("is_anonymous", "name", "phone", "email")
WORKFLOW_FIELDS = ("status", "answer", "duplicate_of", "canned_reply", "note")
RECORD_FIELDS = (
    "reference", "consent_version", "consent_at", "first_answered_at", "answered_at", "closed_at",
    "rating", "rating_comment", "notified_at", "answer_sent_at", "anonymised_at",
)


class CannedReplyChoiceField(forms.ModelChoiceField):
    """Canned replies labelled with the language their text will be in for this appeal."""

    language = "ru"

    def label_from_instance(self, obj):
        used = "kk" if self.language == "kk" and obj.text_kk else "ru"
        return f"{obj.title} · {LANGUAGE_TAGS[used]}"


LANGUAGE_TAGS = {"ru": _("in Russian"), "kk": _("in Kazakh")}


class AppealAdminForm(forms.ModelForm):
    canned_reply = CannedReplyChoiceField(
        label=_("Start from a canned reply"),
        queryset=CannedReply.objects.filter(is_active=True),
        required=False,
        help_text=_(
            "Used when the answer is empty: the reply's text in the member's language becomes the answer. "
            "Replies written in the appeal's language come first."
        ),
    )
    note = forms.CharField(
        label=_("Add an internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen by staff only."),
    )

    class Meta:
        model = Appeal
        fields = [
            "channel", "received_at", "language", "topic", "question", "workplace", "workplace_text",
            *CONTACT_FIELDS, "status", "duplicate_of", "branch", "assignee", "due_date", "answer",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "channel" in self.fields and not self.instance.pk:
            # Staff log what came by other channels; the web form stores its own appeals.
            # WhatsApp first and by default: most appeals come that way (never "web form",
            # which would skew the figures by channel).
            self.fields["channel"].choices = [(c.value, c.label) for c in STAFF_CHANNELS]
            self.fields["channel"].initial = Channel.WHATSAPP
        if "received_at" in self.fields and not self.instance.pk:
            self.fields["received_at"].help_text = _(
                "Now by default. For a message that came earlier, set the day and time it came: "
                "the due date counts from it."
            )
        if "canned_reply" in self.fields:
            language = self.instance.language if self.instance.pk else (self.data.get("language") or "ru")
            field = self.fields["canned_reply"]
            field.language = language
            if language == "kk":
                # Replies with a Kazakh text first, then the Russian-only ones.
                field.queryset = field.queryset.annotate(
                    has_kk=ExpressionWrapper(~Q(text_kk=""), output_field=BooleanField())
                ).order_by("-has_kk", "topic", "title")

    def clean(self):
        data = super().clean()
        canned = data.get("canned_reply")
        language = data.get("language") or getattr(self.instance, "language", "ru")
        if canned and not (data.get("answer") or "").strip():
            data["answer"] = canned.text_for(language)
        if self.instance.pk and "status" in data:
            try:
                services.check_transition(
                    appeal=Appeal.objects.get(pk=self.instance.pk),
                    to_status=data["status"],
                    answer=data.get("answer", ""),
                    duplicate_of=data.get("duplicate_of"),
                )
            except ApplicationError as exc:
                raise ValidationError(exc.message) from exc
        return data


class AppealEventInline(BranchScopedTabularInline):
    model = AppealEvent
    fields = ("created_at", "actor", "kind", "to_status", "text", "is_public")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("History")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due soon"))]

    def queryset(self, request, queryset):
        # Today in Asia/Almaty: the same "overdue" and "due soon" as the reminder e-mails.
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        if self.value() == "soon":
            soon = add_working_days(today, settings.APPEAL_DUE_SOON_DAYS)
            return queryset.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=soon)
        return queryset


@admin.register(Appeal)
class AppealAdmin(SpreadsheetImportMixin, BranchScopedAdmin):
    form = AppealAdminForm
    # The branches' registers (CSV/XLSX) through the shared import: preview, then confirm.
    spreadsheet_importer = AppealImporter
    list_display = ("reference", "received_at", "channel", "topic", "status_badge", "branch", "assignee", "due", "contact")
    list_filter = (
        "status",
        DueFilter,
        "channel",
        "topic",
        ("branch", admin.RelatedOnlyFieldListFilter),
        ("assignee", admin.RelatedOnlyFieldListFilter),
    )
    autocomplete_fields = ["duplicate_of"]
    list_select_related = ("branch", "assignee")
    search_fields = ("reference",)
    date_hierarchy = "received_at"
    inlines = [AppealEventInline]
    actions = ["make_faq", "export_personal_data", "erase_personal_data"]
    list_per_page = 50

    # --- What each person sees ---------------------------------------------------------

    def _contacts_allowed(self, request, obj=None) -> bool:
        return selectors.can_see_personal_data(request.user, obj)

    def get_fieldsets(self, request, obj=None):
        appeal_fields = ["channel", "received_at", "language", "topic", "question", "workplace", "workplace_text"]
        if obj is not None:
            appeal_fields.append("attachment_link")
        fieldsets = [(_("Appeal"), {"fields": appeal_fields})]
        if self._contacts_allowed(request, obj):
            fieldsets.append((_("Member"), {"fields": list(CONTACT_FIELDS)}))
        if obj is None:
            fieldsets.append((_("Handling"), {"fields": ["branch", "assignee"]}))
        else:
            fieldsets.append(
                (_("Handling"), {"fields": ["status", "duplicate_of", "branch", "assignee", "due_date", "canned_reply", "answer", "note"]})
            )
            fieldsets.append((_("Record"), {"fields": list(RECORD_FIELDS), "classes": ["collapse"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["attachment_link", *RECORD_FIELDS]
        if obj is not None:
            readonly += ["channel", "language"]
            if obj.anonymised_at:
                readonly += ["question", "answer", "workplace_text", *CONTACT_FIELDS]
        return readonly

    def get_search_fields(self, request):
        if self._contacts_allowed(request) and is_regional(request.user):
            return ("reference", "name", "email", "phone")
        return self.search_fields

    def get_queryset(self, request):
        # The flag is read by the columns below: the admin instance is shared by every
        # request of the process, so it must not keep the request (or its user) itself.
        return selectors.with_personal_data_flag(super().get_queryset(request).select_related("branch", "assignee"), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "assignee" and field is not None:
            users = field.queryset.filter(is_staff=True, is_active=True)
            ids = visible_organisation_ids(request.user)
            if ids is not None:
                users = users.filter(profile__organisation__in=ids)
            field.queryset = users
        return field

    def has_delete_permission(self, request, obj=None):
        # An accepted appeal is never deleted: spam is rejected, a person's data is erased
        # by the action, and the figures keep counting it. Only a superuser may clean up.
        return request.user.is_superuser

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if not is_regional(request.user):
            # A branch editor logs appeals for their own branch: it must be theirs to save.
            initial.setdefault("branch", user_organisation_id(request.user))
        return initial

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_regional(request.user):
            actions.pop("export_personal_data", None)
            actions.pop("erase_personal_data", None)
        return actions

    # --- The way back to the member, duplicates, the slip ----------------------------------

    def get_urls(self):
        urls = [
            path("<int:pk>/slip/", self.admin_site.admin_view(self.slip_view), name="appeals_appeal_slip"),
            path(
                "<int:pk>/merge/<int:into>/",
                self.admin_site.admin_view(self.merge_view),
                name="appeals_appeal_merge",
            ),
        ]
        return urls + super().get_urls()

    def _appeal_with_contacts(self, request, pk):
        """The appeal if this person may open it and see its contacts (and so its code)."""
        appeal = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, appeal) or not appeal.personal_data_visible:
            raise PermissionDenied
        return appeal

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        appeal = self.get_object(request, object_id)
        if appeal is not None and getattr(appeal, "personal_data_visible", False) and not appeal.anonymised_at:
            # The tracking code is a secret: shown only to staff who may see the member's
            # contacts, the ones who send it back to them.
            extra_context["way_back"] = replies.way_back(appeal)
            extra_context["slip_url"] = reverse("admin:appeals_appeal_slip", args=[appeal.pk])
            if appeal.status in OPEN_STATUSES:
                extra_context["possible_duplicates"] = [
                    (other, reverse("admin:appeals_appeal_merge", args=[appeal.pk, other.pk]), display_phone(other.phone) if other.phone else "")
                    for other in selectors.possible_duplicates(appeal, request.user)
                ]
            extra_context["can_merge"] = self.has_change_permission(request, appeal)
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "received_shortcuts": [gettext("yesterday"), gettext("the day before")]}
        return super().add_view(request, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        # After logging an appeal, staff land on its page: the status link and the ready
        # reply to send back are there, and any duplicate from another channel.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            self.message_user(request, gettext("The appeal %(reference)s is logged. Send the member the reply below.") % {"reference": obj.reference})
            return HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def slip_view(self, request, pk):
        """A printable slip for a member who came or phoned: number, dates, a QR code of the link."""
        appeal = self._appeal_with_contacts(request, pk)
        back = replies.way_back(appeal)
        from django.utils import translation

        with translation.override(appeal.language):
            response = TemplateResponse(
                request,
                "appeals/admin_slip.html",
                {"appeal": appeal, "way_back": back, "qr": replies.qr_svg(back.status_url), "language": appeal.language},
            )
            # Rendered now, in the appeal's language; admin_view adds the never-cache headers.
            response.render()
        return response

    def merge_view(self, request, pk, into):
        """One click: this appeal becomes a duplicate of `into` (the duplicate workflow)."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[pk]))
        appeal = self._appeal_with_contacts(request, pk)
        original = get_object_or_404(self.get_queryset(request), pk=into)
        if not self.has_change_permission(request, appeal) or not self.has_change_permission(request, original):
            raise PermissionDenied
        try:
            services.appeal_transition(appeal=appeal, actor=request.user, to_status=Status.DUPLICATE, duplicate_of=original)
        except (ApplicationError, ValidationError) as exc:
            self.message_user(request, getattr(exc, "message", None) or "; ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[pk]))
        self.message_user(
            request,
            gettext("%(reference)s is merged into %(original)s.") % {"reference": appeal.reference, "original": original.reference},
        )
        return HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[original.pk]))

    # --- Columns -------------------------------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="appeal-status appeal-status-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description=_("due date"), ordering="due_date")
    def due(self, obj):
        if obj.is_overdue:
            return format_html('<strong class="appeal-overdue">{} ⚠ {}</strong>', obj.due_date, gettext("overdue"))
        return obj.due_date

    @admin.display(description=_("member"))
    def contact(self, obj):
        if obj.is_anonymous:
            return gettext("anonymous")
        if obj.anonymised_at:
            return "—"
        if not getattr(obj, "personal_data_visible", False):
            return gettext("hidden")
        return " · ".join(x for x in (obj.name, display_phone(obj.phone) if obj.phone else "", obj.email) if x)

    @admin.display(description=_("attachment"))
    def attachment_link(self, obj):
        if not obj or not obj.attachment:
            return "—"
        if not getattr(obj, "personal_data_visible", False):
            return gettext("hidden")
        return format_html('<a href="{}">{}</a>', reverse("appeals:attachment", args=[obj.pk]), gettext("Download"))

    # --- Saving through the services -------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            fields = {
                name: data[name]
                for name in ("language", "topic", "question", "workplace", "workplace_text", "branch", "assignee", *CONTACT_FIELDS)
                if name in data
            }
            appeal = services.appeal_log(actor=request.user, channel=data["channel"], received_at=data["received_at"], fields=fields)
            obj.pk, obj.reference = appeal.pk, appeal.reference
            obj._state.adding = False
        else:
            readonly = self.get_readonly_fields(request, obj)
            services.appeal_staff_edit(
                appeal=Appeal.objects.get(pk=obj.pk),
                actor=request.user,
                changes={
                    name: data[name]
                    for name in form.changed_data
                    if name not in WORKFLOW_FIELDS and name in data and name not in readonly
                },
                to_status=data.get("status"),
                answer=data.get("answer"),
                duplicate_of=data.get("duplicate_of"),
                note=data.get("note") or "",
            )
        self.check_object_scope(request, obj)

    # --- Actions -----------------------------------------------------------------------------

    @admin.action(description=_("Make a draft frequent question from the selected answered appeals"), permissions=["change"])
    def make_faq(self, request, queryset):
        made = 0
        for appeal in queryset:
            try:
                services.faq_from_appeal(appeal=appeal, actor=request.user)
                made += 1
            except ApplicationError as exc:
                self.message_user(request, f"{appeal.reference}: {exc.message}", messages.WARNING)
        if made:
            self.message_user(request, gettext("Draft frequent questions made: %(n)d. Check and publish them.") % {"n": made})

    def _people_appeals(self, request, queryset):
        selected = list(queryset)
        return self.get_queryset(request).filter(services.person_appeals(selected)).select_related("workplace", "branch").prefetch_related("events")

    @admin.action(description=_("Export the personal data of the selected appeals' authors (ZIP: JSON and attachments)"), permissions=["view"])
    def export_personal_data(self, request, queryset):
        if not is_regional(request.user):
            raise PermissionDenied
        archive = services.person_export(appeals=self._people_appeals(request, queryset), actor=request.user)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{timezone.localdate():%Y%m%d}.zip"'
        return response

    @admin.action(description=_("Erase the personal data of the selected appeals' authors (on request)"), permissions=["change"])
    def erase_personal_data(self, request, queryset):
        if not is_regional(request.user):
            raise PermissionDenied
        appeals = self._people_appeals(request, queryset).filter(anonymised_at__isnull=True)
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Erase personal data"),
                "appeals": appeals,
                "selected": queryset.values_list("pk", flat=True),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "appeals/admin_erase_confirm.html", context)
        count = 0
        for appeal in appeals:
            services.appeal_anonymise(appeal=appeal, actor=request.user, reason=gettext("Erased on the person's request"))
            count += 1
        self.message_user(request, gettext("Personal data erased from %(n)d appeals.") % {"n": count})
        return None


@admin.register(CannedReply)
class CannedReplyAdmin(PortalAdmin):
    list_display = ("title", "topic", "is_active")
    list_filter = ("topic", "is_active")
    search_fields = ("title", "text_ru", "text_kk")


@admin.register(FaqEntry)
class FaqEntryAdmin(PortalAdmin):
    list_display = ("__str__", "topic", "is_published", "position")
    list_filter = ("is_published", "topic")
    list_editable = ("is_published", "position")
    search_fields = ("question_ru", "question_kk", "answer_ru")
    raw_id_fields = ("source_appeal",)

    def get_queryset(self, request):
        return selectors.staff_faq_entries(request.user)
