"""Members' pages of polls: the list, the form (one page for a short poll, one question a
screen for a long survey, without JavaScript either way), the "counted" page, the results
once a poll has closed, and the QR code of a branch's link."""

import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from polls import protection, selectors, services
from polls.choices import Access, PollState, QuestionKind
from polls.models import SHORT_SURVEY_QUESTIONS
from unionportal.exceptions import ApplicationError, DuplicateError

QUESTION_FIELD = re.compile(r"^q(\d{1,12})$")


@require_GET
def poll_list(request):
    polls = list(selectors.public_polls())
    context = {
        "open_polls": [p for p in polls if p.state() == PollState.OPEN],
        "closed_polls": [p for p in polls if p.state() == PollState.CLOSED],
    }
    return render(request, "polls/poll_list.html", context)


def _get_poll(slug):
    poll = selectors.poll_by_slug(slug)
    if poll is None:
        raise Http404
    return poll


def _posted_values(post) -> dict:
    """Every qNN field sent, as lists of strings; a field of another name is ignored."""
    return {m.group(1): post.getlist(key) for key in post if (m := QUESTION_FIELD.match(key))}


def _fields(questions, values, error_field=None, error=None):
    """What the template needs for each question: its kind, choices (ticked or not), value."""
    out = []
    for question in questions:
        key = str(question.pk)
        current = values.get(key, [])
        item = {
            "question": question,
            "name": f"q{key}",
            "kind": question.kind,
            "values": current,
            "value": current[0] if current else "",
            "error": error if error_field == key else None,
        }
        if question.has_choices:
            item["choices"] = [(str(c.pk), c.label, str(c.pk) in current) for c in question.choices.all()]
        elif question.kind == QuestionKind.SCALE:
            item["choices"] = [(str(n), str(n), str(n) in current) for n in range(1, 6)]
        out.append(item)
    return out


def _render_form(request, poll, questions, state, *, step=None, error=None, error_field=None, status=200):
    long_survey = len(questions) > SHORT_SURVEY_QUESTIONS
    values = state["v"]
    if long_survey:
        if step is None:
            step = 0
        shown = [questions[step]]
    else:
        shown = questions
    context = {
        "poll": poll,
        "fields": _fields(shown, values, error_field, error),
        "form_error": error if error_field is None else None,
        "state": protection.dump_state(state),
        "long_survey": long_survey,
        "step": step,
        "step_number": (step or 0) + 1,
        "steps": len(questions),
        "is_last": not long_survey or step == len(questions) - 1,
        "needs_code": poll.access == Access.INVITATION and not state.get("c"),
        "code_value": "",
        "named": not poll.is_anonymous,
        "named_values": {k: state.get(k, "") for k in ("name", "email", "phone")},
    }
    response = render(request, "polls/poll_answer.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _unit(poll, unit_slug):
    if unit_slug is None:
        return None
    unit = selectors.unit_for_link(poll, unit_slug)
    if unit is None:
        raise Http404
    return unit


@require_http_methods(["GET", "POST"])
def poll_answer(request, slug, unit_slug=None, code=None):
    poll = _get_poll(slug)
    # On a POST the branch comes from the signed state, checked when the form was served.
    unit = _unit(poll, unit_slug) if request.method == "GET" else None
    state_now = poll.state()
    if state_now != PollState.OPEN:
        status = 200 if request.method == "GET" else 409
        return render(request, "polls/poll_closed.html", {"poll": poll}, status=status)
    if request.method == "GET" and protection.has_answered(request, poll):
        return redirect("polls:thanks", slug=poll.slug)
    questions = selectors.poll_questions(poll)

    if request.method == "GET":
        state = protection.new_state(poll_id=poll.pk, unit_id=unit.pk if unit else None, code=services.normalise_code(code or ""))
        return _render_form(request, poll, questions, state)

    try:
        state = protection.load_state(request.POST.get("state", ""), poll_id=poll.pk)
    except protection.StateProblem:
        unit_id = protection.unit_of_expired(request.POST.get("state", ""), poll_id=poll.pk)
        state = protection.new_state(poll_id=poll.pk, unit_id=unit_id)
        return _render_form(
            request, poll, questions, state, status=400,
            error=_("The form has expired or could not be read. Please answer again."),
        )
    if request.POST.get("code"):
        state["c"] = services.normalise_code(request.POST["code"])
    for key in ("name", "email", "phone"):
        if key in request.POST:
            state[key] = request.POST.get(key, "")[:254]
    sent = _posted_values(request.POST)
    long_survey = len(questions) > SHORT_SURVEY_QUESTIONS

    step = None
    if long_survey:
        try:
            step = min(max(int(request.POST.get("step", "0")), 0), len(questions) - 1)
        except ValueError:
            step = 0
        current = questions[step]
        if request.POST.get("nav") == "back":
            state["v"].update(sent)
            return _render_form(request, poll, questions, state, step=max(step - 1, 0))
        # What this screen sent replaces what it had: an emptied answer is emptied.
        state["v"][str(current.pk)] = sent.pop(str(current.pk), [])
        try:
            services.answers_from(poll=poll, questions=questions, values={**sent, str(current.pk): state["v"][str(current.pk)]}, partial=True)
        except ApplicationError as exc:
            return _render_form(request, poll, questions, state, step=step, error=exc.message, error_field=exc.extra.get("field"), status=400)
        if step < len(questions) - 1:
            return _render_form(request, poll, questions, state, step=step + 1)
        values = state["v"]
    else:
        values = sent
        state["v"] = sent

    if poll.access == Access.OPEN:
        if protection.has_answered(request, poll):
            messages.info(request, _("You have already answered this poll: your answer was counted."))
            return redirect("polls:thanks", slug=poll.slug)
        if not protection.take_rate_slot(request, poll):
            return _render_form(
                request, poll, questions, state, step=step, status=429,
                error=_("Too many answers from your address in the last hour. Please try again later."),
            )
    elif not state.get("c"):
        return _render_form(request, poll, questions, state, step=step, status=400, error=_("Enter the code from your invitation."))

    submission = services.Submission(
        values=values,
        form_nonce=state["n"],
        unit_id=state.get("u"),
        code=state.get("c", ""),
        language=(get_language() or "")[:5],
        name=state.get("name", ""),
        email=state.get("email", ""),
        phone=state.get("phone", ""),
    )
    try:
        services.response_submit(poll=poll, submission=submission, questions=questions)
    except DuplicateError:
        messages.info(request, _("Your answer has already been counted."))
        response = redirect("polls:thanks", slug=poll.slug)
        protection.mark_answered(response, poll)
        return response
    except ApplicationError as exc:
        field = exc.extra.get("field")
        if exc.code in ("code_unknown", "code_used"):
            state["c"] = ""
        if long_survey and field:
            step = next((i for i, q in enumerate(questions) if str(q.pk) == field), step)
        status = 409 if exc.code in ("closed", "code_used") else 400
        return _render_form(request, poll, questions, state, step=step, error=exc.message, error_field=field, status=status)
    response = redirect("polls:thanks", slug=poll.slug)
    protection.mark_answered(response, poll)
    return response


@require_GET
def thanks(request, slug):
    poll = _get_poll(slug)
    if not protection.has_answered(request, poll):
        return redirect("polls:answer", slug=poll.slug)
    response = render(request, "polls/poll_thanks.html", {"poll": poll})
    add_never_cache_headers(response)
    return response


@require_GET
def results(request, slug):
    poll = _get_poll(slug)
    if not poll.is_closed:
        # Never live: an early count would sway the answers still to come.
        return render(request, "polls/poll_results.html", {"poll": poll, "results": None})
    context = {"poll": poll, "results": selectors.poll_results(poll), "answered_here": protection.has_answered(request, poll)}
    return render(request, "polls/poll_results.html", context)


@require_GET
def unit_qr(request, slug, unit_slug):
    """The QR code of a branch's link, as SVG, to print on a poster or a slide."""
    import qrcode
    import qrcode.image.svg

    poll = _get_poll(slug)
    unit = _unit(poll, unit_slug)
    url = request.build_absolute_uri(reverse("polls:unit", args=[poll.slug, unit.slug]))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")
