"""Public pages of appeals (the form, the status page, rating, FAQ, the member's list) and
the one staff view (an attachment download)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import staff_required
from appeals import lookup, protection, selectors, services
from appeals.choices import Topic
from appeals.consent import consent_text
from appeals.forms import AppealForm, RatingForm, StatusLookupForm
from appeals.models import Appeal
from branches.scoping import get_object_for_user
from unionportal.caching import cache_public_page, visitor_input_values
from unionportal.exceptions import ApplicationError, DuplicateError
from unionportal.uploads import upload_response


def _token_message(code: str) -> str:
    # Looked up at request time, so the message is in the member's language.
    return {
        "too_fast": _("The form was sent too quickly. Please check your appeal and send it again."),
        "expired": _("The form has expired. Please check your appeal and send it again."),
        "invalid": _("The form could not be read. Please check your appeal and send it again."),
    }[code]


def _render_form(request, form, *, status=200):
    context = {
        "form": form,
        "consent_text": consent_text(get_language()),
        "faq": selectors.published_faq()[:5],
    }
    return render(request, "appeals/appeal_submit.html", context, status=status)


def _refused(request, message, *, status):
    """Re-render with the member's input kept, a fresh token and one message on top."""
    data = request.POST.copy()
    data["form_token"] = protection.issue_form_token()
    form = AppealForm(data)
    form.is_valid()
    form.errors.pop("form_token", None)
    form.add_error(None, message)
    return _render_form(request, form, status=status)


def _to_status_page(appeal: Appeal):
    return redirect("appeals:detail", code=appeal.tracking_code)


def _already_received(request, appeal: Appeal):
    """A double click or a resent page: the appeal stored the first time."""
    messages.info(request, _("Your appeal has already been received."))
    return _to_status_page(appeal)


def _member_contact(request) -> dict[str, str]:
    """What a logged-in member's form is filled with; nothing for an anonymous visitor."""
    user = request.user
    if not user.is_authenticated:
        return {"name": "", "email": ""}
    return {"name": user.get_full_name(), "email": user.email}


@require_http_methods(["GET", "POST"])
# The empty form is the same for every visitor but for the CSRF token and the one-time form
# token, which the cache leaves out and makes anew for each, and a member's name and e-mail,
# which the cache keeps as markers and fills in for each member (no member's data is ever
# in the cache). Every POST runs the view (errors included).
@cache_public_page(
    "faq", "branches", fresh_inputs={"form_token": protection.issue_form_token}, visitor_inputs=_member_contact
)
def submit(request):
    if request.method == "GET":
        initial = {"form_token": protection.issue_form_token(), **visitor_input_values(request, _member_contact)}
        return _render_form(request, AppealForm(initial=initial))

    if request.POST.get("website"):
        return _refused(request, _("Your appeal could not be accepted."), status=400)
    try:
        nonce, elapsed = protection.read_form_token(request.POST.get("form_token", ""))
    except protection.TokenProblem as problem:
        return _refused(request, _token_message(problem.code), status=400)
    if protection.filled_too_fast(elapsed):
        return _refused(request, _token_message("too_fast"), status=400)
    # A double click or a resent page is not looked up first (a query on every appeal for
    # the rare one): the form token's unique index refuses it below, and the reservation
    # is given back. Only a refused reservation looks, so a member at the hourly limit who
    # clicks twice is shown their appeal, not the limit.
    if not protection.reserve_submission(request):
        existing = Appeal.objects.filter(form_token=nonce).first()
        if existing is not None:
            return _already_received(request, existing)
        return _refused(request, _("Too many appeals from your address in the last hour. Please try again later."), status=429)

    form = AppealForm(request.POST, request.FILES)
    if not form.is_valid():
        protection.release_submission(request)
        return _render_form(request, form)
    data = form.cleaned_data
    try:
        appeal, _code = services.appeal_submit(
            topic=data["topic"],
            question=data["question"],
            consent=data["consent"],
            form_token=nonce,
            language=(get_language() or "ru")[:2],
            is_anonymous=data["is_anonymous"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            workplace=data["workplace"],
            workplace_text=data["workplace_text"],
            branch=data["branch"],
            attachment=data["attachment"],
            user=request.user,
        )
    except DuplicateError as exc:
        protection.release_submission(request)
        return _already_received(request, exc.extra["existing"])
    except ApplicationError as exc:
        protection.release_submission(request)
        form.add_error(None, exc.message)
        return _render_form(request, form)
    messages.success(request, _("Your appeal has been received. Keep the link to this page to follow it."))
    return _to_status_page(appeal)


def _lookup_refused(request, form):
    form.is_valid()
    form.add_error(None, _("Too many lookups from your address in the last hour. Please try again later."))
    response = render(request, "appeals/status_lookup.html", {"form": form}, status=429)
    add_never_cache_headers(response)
    return response


def status(request):
    """Find an appeal by its link or code, or by its short number with the phone's last four
    digits or the e-mail. A wrong answer reads the same whether the number exists or not."""
    form = StatusLookupForm(request.GET or None)
    if not form.is_bound:
        return _render_lookup(request, form)
    # Per address, through the portal's one limiter (unionportal/ratelimit.py).
    if not protection.status_lookup_allowed(request):
        return _lookup_refused(request, form)
    if not form.is_valid():
        return _render_lookup(request, form)
    query = lookup.read_query(form.cleaned_data["code"])
    if query.code:
        appeal = selectors.appeal_by_code(query.code)
        if appeal is not None:
            return _to_status_page(appeal)
        form.add_error("code", _("No appeal has this code. Check it and try again."))
        return _render_lookup(request, form, status=404)
    if not query.reference:
        form.add_error("code", _("This is neither an appeal number such as 7GBR-ZGRT nor a link to an appeal."))
        return _render_lookup(request, form)
    proof = form.cleaned_data["proof"]
    if not proof:
        form.add_error("proof", _("With the number, write the last four digits of your phone or your e-mail."))
        return _render_lookup(request, form)
    if lookup.reference_locked(query.reference):
        form.add_error(None, _("Too many wrong answers for this number. Please try again in an hour, or use the link."))
        return _render_lookup(request, form, status=429)
    appeal = selectors.appeal_by_reference(query.reference, proof)
    if appeal is None:
        lookup.count_failure(query.reference)
        form.add_error(None, _("The number and the phone digits or e-mail do not match. Check them and try again."))
        return _render_lookup(request, form, status=404)
    return _to_status_page(appeal)


def _render_lookup(request, form, *, status=200):
    response = render(request, "appeals/status_lookup.html", {"form": form}, status=status)
    # The query string holds the member's number and digits: no cache may keep the page.
    add_never_cache_headers(response)
    return response


def detail(request, code):
    appeal = selectors.appeal_by_code(code)
    if appeal is None:
        # A wrong code in the address is a lookup too: guessing codes by URL is limited alike.
        if not protection.status_lookup_allowed(request):
            return _lookup_refused(request, StatusLookupForm({"code": code}))
        raise Http404
    context = {
        "appeal": appeal,
        "events": selectors.public_events(appeal),
        "rating_form": RatingForm() if appeal.can_be_rated else None,
        "status_url": request.build_absolute_uri(),
    }
    response = render(request, "appeals/appeal_detail.html", context)
    # The URL is the key to the appeal: keep it out of caches and search engines.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_POST
def rate(request, code):
    appeal = selectors.appeal_by_code(code)
    if appeal is None:
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_rate(appeal=appeal, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
            messages.success(request, _("Thank you for your rating!"))
        except ApplicationError as exc:
            messages.warning(request, exc.message)
    else:
        messages.error(request, _("Choose whether the answer helped."))
    return _to_status_page(appeal)


@require_safe
@cache_public_page("faq")
def faq(request):
    topic = request.GET.get("topic") or None
    if topic not in Topic.values:
        topic = None
    context = {"entries": selectors.published_faq(topic=topic), "topics": Topic.choices, "topic": topic}
    return render(request, "appeals/faq_list.html", context)


@login_required
def mine(request):
    return render(request, "appeals/appeal_mine.html", {"appeals": selectors.member_appeals(request.user)})


@staff_required
def attachment(request, pk):
    appeal = get_object_for_user(Appeal.objects.all(), request.user, pk=pk)
    if not selectors.can_see_personal_data(request.user, appeal):
        raise PermissionDenied
    if not appeal.attachment:
        raise Http404
    # Http404 too when the row outlived its file (a restore without the private files).
    return upload_response(appeal.attachment)
