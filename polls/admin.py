"""Staff work on polls here: create a poll with its questions, get the branch links and QR
codes, print one-time codes, read the results and the written answers (and mark them),
download XLSX and DOCX, close a poll, write "you said, we did"."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_regional
from branches.admin_base import BranchScopedAdmin, BranchScopedStackedInline
from branches.scoping import user_organisation_id
from polls import exports, selectors, services
from polls.choices import Access, PollState
from polls.forms import CloseForm, CodesForm, OutcomeForm, PollAdminForm
from polls.models import Answer, Invitation, Poll, Question
from unionportal.exceptions import ApplicationError

LOCKED_FIELDS = ["organisation", "slug", "audience", "audience_organisations", "access", "is_anonymous", "opens_at"]


class QuestionFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The hidden id of each row names only this poll's questions, not every poll's.
        if "id" in form.fields:
            form.fields["id"].queryset = Question.objects.filter(poll=self.instance) if self.instance.pk else Question.objects.none()


class QuestionInline(BranchScopedStackedInline):
    model = Question
    formset = QuestionFormSet
    extra = 0
    max_num = 20
    fields = [("position", "kind", "is_required"), "text_ru", "text_kk", ("choices_ru", "choices_kk"), ("max_choices", "max_length")]

    def _locked(self, obj):
        return obj is not None and services.poll_has_answers(obj)

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else 0

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Poll)
class PollAdmin(BranchScopedAdmin):
    form = PollAdminForm
    change_form_template = "admin/polls/poll/change_form.html"
    list_display = ["title_ru", "organisation", "opens_at", "effective_close", "state_label", "answer_count"]
    list_filter = ["organisation", "access", "is_anonymous"]
    search_fields = ["title_ru", "title_kk", "slug"]
    list_select_related = ["organisation"]
    date_hierarchy = "opens_at"
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_answers=Count("responses"))

    @admin.display(description=_("answers"), ordering="n_answers")
    def answer_count(self, obj):
        return obj.n_answers

    @admin.display(description=_("state"))
    def state_label(self, obj):
        return PollState(obj.state()).label

    @admin.display(description=_("closes"))
    def effective_close(self, obj):
        return obj.effective_close

    def get_readonly_fields(self, request, obj=None):
        # A closed poll stays closed (its counts are published, then frozen); a poll with
        # answers keeps what its members answered to.
        if obj is not None and obj.is_closed:
            return [*LOCKED_FIELDS, "closes_at"]
        if obj is not None and services.poll_has_answers(obj):
            return LOCKED_FIELDS
        return []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("organisation", user_organisation_id(request.user))
        return initial

    def has_delete_permission(self, request, obj=None):
        if obj is not None and services.poll_has_answers(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Questions save through the service: it rebuilds the offered answers and refuses
        # changes once the poll has answers.
        for question in formset.save(commit=False):
            try:
                services.question_save(question=question)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        for question in formset.deleted_objects:
            try:
                services.question_delete(question=question)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_without_questions(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._warn_without_questions(request, obj)
        return super().response_change(request, obj)

    def _warn_without_questions(self, request, obj):
        try:
            services.poll_check_ready(poll=obj)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.WARNING)

    # --- own pages ---
    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("<int:pk>/results/", view(self.results_view), name="polls_poll_results"),
            path("<int:pk>/results.xlsx", view(self.xlsx_view), name="polls_poll_xlsx"),
            path("<int:pk>/results.docx", view(self.docx_view), name="polls_poll_docx"),
            path("<int:pk>/links/", view(self.links_view), name="polls_poll_links"),
            path("<int:pk>/codes/", view(self.codes_view), name="polls_poll_codes"),
            path("<int:pk>/close/", view(self.close_view), name="polls_poll_close"),
            path("<int:pk>/outcome/", view(self.outcome_view), name="polls_poll_outcome"),
            path("<int:pk>/mark/<int:answer_pk>/", view(self.mark_view), name="polls_poll_mark"),
        ]
        return own + super().get_urls()

    def _get(self, request, pk, *, change=False):
        """The one access helper of the poll pages: 404 outside the user's scope, 403 without
        the permission."""
        poll = get_object_or_404(self.get_queryset(request), pk=pk)
        allowed = self.has_change_permission(request, poll) if change else self.has_view_permission(request, poll)
        if not allowed:
            raise PermissionDenied
        return poll

    def _page(self, request, poll, template, title, **extra):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": poll, "title": title, **extra}
        return TemplateResponse(request, f"admin/polls/poll/{template}", context)

    def results_view(self, request, pk):
        poll = self._get(request, pk)
        return self._page(
            request,
            poll,
            "results.html",
            _("Results"),
            results=selectors.poll_results(poll),
            texts=list(selectors.text_answers(poll)),
            can_change=self.has_change_permission(request, poll),
        )

    def xlsx_view(self, request, pk):
        poll = self._get(request, pk)
        response = HttpResponse(exports.results_xlsx(selectors.poll_results(poll)), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="poll-{poll.slug}.xlsx"'
        return response

    def docx_view(self, request, pk):
        poll = self._get(request, pk)
        response = HttpResponse(exports.results_docx(selectors.poll_results(poll)), content_type=exports.DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="poll-{poll.slug}.docx"'
        return response

    def links_view(self, request, pk):
        poll = self._get(request, pk)
        general = request.build_absolute_uri(reverse("polls:answer", args=[poll.slug]))
        links = [
            (unit, request.build_absolute_uri(reverse("polls:unit", args=[poll.slug, unit.slug])), reverse("polls:unit_qr", args=[poll.slug, unit.slug]))
            for unit in selectors.poll_units(poll)
        ]
        return self._page(request, poll, "links.html", _("Links and QR codes"), general=general, links=links)

    def codes_view(self, request, pk):
        poll = self._get(request, pk, change=True)
        if poll.access != Access.INVITATION:
            self.message_user(request, _("This poll is open to everyone: it needs no codes."), messages.WARNING)
            return redirect("admin:polls_poll_change", poll.pk)
        form = CodesForm(request.POST or None, units=selectors.poll_units(poll))
        if request.method == "POST" and form.is_valid():
            try:
                codes = services.invitations_issue_printed(
                    poll=poll, count=form.cleaned_data["count"], unit=form.cleaned_data["unit"], batch=form.cleaned_data["batch"]
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                url = request.build_absolute_uri(reverse("polls:answer", args=[poll.slug]))
                # Shown once, never stored: print this page now.
                response = self._page(request, poll, "codes_print.html", _("Codes to print"), codes=codes, url=url, unit=form.cleaned_data["unit"])
                response["Cache-Control"] = "no-store"
                return response
        stats = poll.invitations.aggregate(issued=Count("pk"), used=Count("pk", filter=Q(is_used=True)))
        return self._page(request, poll, "action_form.html", _("Print one-time codes"), form=form, stats=stats)

    def close_view(self, request, pk):
        poll = self._get(request, pk, change=True)
        form = CloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if services.poll_close(poll=poll, user=request.user):
                self.message_user(request, _("The poll is closed; its results are public."), messages.SUCCESS)
            else:
                self.message_user(request, _("The poll was closed already."), messages.INFO)
            return redirect("admin:polls_poll_change", poll.pk)
        return self._page(request, poll, "action_form.html", _("Close the poll now"), form=form)

    def outcome_view(self, request, pk):
        poll = self._get(request, pk, change=True)
        form = OutcomeForm(request.POST or None, initial={"outcome_ru": poll.outcome_ru, "outcome_kk": poll.outcome_kk})
        if request.method == "POST" and form.is_valid():
            try:
                services.poll_publish_outcome(poll=poll, user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, _("Published with the results and sent to those who answered."), messages.SUCCESS)
                return redirect("admin:polls_poll_change", poll.pk)
        return self._page(request, poll, "action_form.html", _("You said, we did"), form=form)

    def mark_view(self, request, pk, answer_pk):
        poll = self._get(request, pk, change=True)
        if request.method != "POST":
            return redirect("admin:polls_poll_results", poll.pk)
        answer = get_object_or_404(Answer, pk=answer_pk, question__poll=poll)
        services.answer_mark(answer=answer, marked=request.POST.get("marked") == "1")
        return redirect(reverse("admin:polls_poll_results", args=[poll.pk]) + f"#answer-{answer.pk}")


@admin.register(Invitation)
class InvitationAdmin(BranchScopedAdmin):
    """A read-only list of the codes issued: how many, by which way, how many used."""

    list_display = ["poll", "channel", "unit", "batch", "is_used"]
    list_filter = ["channel", "is_used", "poll"]
    fields = ["poll", "channel", "unit", "batch", "is_used"]
    readonly_fields = fields
    list_select_related = ["poll", "unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_regional(request.user) and super().has_delete_permission(request, obj)
