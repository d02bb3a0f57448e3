"""Every text the bot sends, rendered at send time in the member's language.

An outbox row stores what a message is about (a reply's key, a publication id, an appeal
id), never its text: the text is made here when the message leaves, so a member who switched
to Kazakh gets Kazakh, and no personal text waits in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from messaging.choices import BotLanguage, Kind, NewsMode
from messaging.consent import consent_text

Keyboard = dict | None


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def buttons(*rows: list[tuple[str, str]]) -> dict:
    """An inline keyboard from rows of (label, callback data)."""
    return {"inline_keyboard": [[{"text": label, "callback_data": data} for label, data in row] for row in rows]}


def language_row() -> list[tuple[str, str]]:
    # The language names are written in their own language, never translated.
    return [(BotLanguage.RU.label, "lang:ru"), (BotLanguage.KK.label, "lang:kk")]


def upload_limit() -> str:
    """UPLOAD_MAX_BYTES in the language being rendered («10,0 МБ», «10,0 МБ», "10.0 MB")."""
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(settings.UPLOAD_MAX_BYTES))


def branch_name(subscriber) -> str:
    if subscriber.branch_id is None:
        return _("the regional organisation")
    branch = subscriber.branch
    return (branch.name_kk if subscriber.language == "kk" and branch.name_kk else branch.name_ru) or branch.slug


# --- Replies to what the member did -------------------------------------------------------


def _welcome(subscriber, params):
    lines = [
        _("Hello! This is the bot of the Karaganda regional organisation of the education workers' union."),
        "",
        _("Your branch: %(branch)s.") % {"branch": escape(branch_name(subscriber))},
    ]
    if params.get("unknown_branch"):
        lines += ["", _("The link you followed names no branch we know, so you will get the regional news. Choose your branch on the branch's page of the portal.")]
    lines += ["", escape(consent_text(subscriber.language)), "", _("Choose a language and press «I agree» to subscribe.")]
    return "\n".join(lines), buttons(language_row(), [(_("I agree"), "consent")])


def _subscribed(subscriber, params):
    text = "\n".join([
        _("You are subscribed. You will get the news of %(branch)s and of the region.") % {"branch": escape(branch_name(subscriber))},
        "",
        _help_lines(),
    ])
    return text, _settings_keyboard(subscriber)


def _help_lines() -> str:
    return "\n".join([
        _("/question: ask the union a question or send a complaint"),
        _("/settings: language, news each time or once a day, giveaways"),
        _("/stop: stop every message"),
        _("/forget: stop and erase your chat number"),
    ])


def _help(subscriber, params):
    return _help_lines(), None


def _settings_keyboard(subscriber) -> dict:
    news = {
        NewsMode.EACH: _("News: each item"),
        NewsMode.DAILY: _("News: once a day"),
        NewsMode.OFF: _("News: off"),
    }
    next_mode = {NewsMode.EACH: NewsMode.DAILY, NewsMode.DAILY: NewsMode.OFF, NewsMode.OFF: NewsMode.EACH}
    giveaways = _("Giveaways: on") if subscriber.wants_giveaways else _("Giveaways: off")
    return buttons(
        language_row(),
        [(news[subscriber.news_mode], f"news:{next_mode[subscriber.news_mode]}")],
        [(giveaways, "giveaways:" + ("off" if subscriber.wants_giveaways else "on"))],
    )


def _settings(subscriber, params):
    text = _("Your settings. Press a button to change it.")
    return text, _settings_keyboard(subscriber)


def _saved(subscriber, params):
    return _("Saved."), _settings_keyboard(subscriber)


def _not_subscribed(subscriber, params):
    return _("You are not subscribed. Press /start to subscribe."), None


def _stopped(subscriber, params):
    return _("Done: the bot will send you nothing more. Press /start to come back at any time."), None


def _forgotten(subscriber, params):
    return _("Done: your chat number is erased and the bot will send you nothing more."), None


def _ask_topic(subscriber, params):
    from appeals.choices import Topic

    rows = [[(str(label), f"topic:{value}")] for value, label in Topic.choices]
    rows.append([(_("Cancel"), "cancel")])
    return _("What is your question about? Choose a topic."), buttons(*rows)


def _ask_text(subscriber, params):
    return _("Write your question in one message (up to 5000 characters). /cancel stops."), None


def _ask_file(subscriber, params):
    return (
        _("You may add a photo or a PDF document (up to %(limit)s), or press «Skip».") % {"limit": upload_limit()},
        buttons([(_("Skip"), "skip")], [(_("Cancel"), "cancel")]),
    )


def _ask_consent(subscriber, params):
    from appeals.consent import consent_text as appeal_consent_text

    return (
        escape(appeal_consent_text(subscriber.language)) + "\n\n" + _("Press «I agree» to send the appeal."),
        buttons([(_("I agree, send"), "qconsent")], [(_("Cancel"), "cancel")]),
    )


def _appeal_sent(subscriber, params):
    from appeals.selectors import appeal_by_id

    appeal = appeal_by_id(pk=params.get("appeal_id"))
    if appeal is None or appeal.anonymised_at:
        return None
    with translation.override(subscriber.language):
        status_url = absolute(reverse("appeals:detail", kwargs={"code": appeal.tracking_code}))
    text = "\n".join([
        _("Your appeal is registered, number %(reference)s.") % {"reference": appeal.reference},
        # No full stop after the date: the Russian and Kazakh dates already end with one («г.», «ж.»).
        _("The answer will come here, due by %(date)s") % {"date": date_format(appeal.due_date, "DATE_FORMAT")},
        _("Follow it on the portal: %(url)s") % {"url": status_url},
    ])
    return text, None


def _cancelled(subscriber, params):
    return _("Cancelled. Nothing was sent."), None


def _error(subscriber, params):
    """A domain error's message, already in the member's language when it was raised."""
    return escape(params.get("message", "")) or _("Something went wrong. Please try again."), None


def _file_too_large(subscriber, params):
    return _("The file is too large: the limit is %(limit)s. Send a smaller photo or PDF, or press «Skip».") % {"limit": upload_limit()}, buttons([(_("Skip"), "skip")])


def _file_wrong_kind(subscriber, params):
    return _("I accept only a photo or a PDF document. Send one, or press «Skip»."), buttons([(_("Skip"), "skip")])


def _file_unavailable(subscriber, params):
    return _("The file could not be received. Send it again, or press «Skip»."), buttons([(_("Skip"), "skip")])


def _not_understood(subscriber, params):
    return _("I read text, photos and PDF documents only.") + "\n\n" + _help_lines(), None


def _edited(subscriber, params):
    return _("I do not read edited messages. Send the corrected text as a new message."), None


def _too_long(subscriber, params):
    return _("The question is too long: %(length)s characters, the limit is %(limit)s.") % params, None


def _poll_counted(subscriber, params):
    return _("Thank you: your answer is counted. The results are published when the poll closes."), None


def command_menu() -> list[dict]:
    """The commands Telegram lists in the chat's menu, in the active language."""
    return [
        {"command": "question", "description": _("Ask the union a question")},
        {"command": "settings", "description": _("Language, news, giveaways")},
        {"command": "stop", "description": _("Stop every message")},
        {"command": "forget", "description": _("Stop and erase my chat number")},
    ]


REPLIES: dict[str, Callable] = {
    "welcome": _welcome,
    "subscribed": _subscribed,
    "help": _help,
    "settings": _settings,
    "saved": _saved,
    "not_subscribed": _not_subscribed,
    "stopped": _stopped,
    "forgotten": _forgotten,
    "ask_topic": _ask_topic,
    "ask_text": _ask_text,
    "ask_file": _ask_file,
    "ask_consent": _ask_consent,
    "appeal_sent": _appeal_sent,
    "cancelled": _cancelled,
    "error": _error,
    "poll_counted": _poll_counted,
    "file_too_large": _file_too_large,
    "file_wrong_kind": _file_wrong_kind,
    "file_unavailable": _file_unavailable,
    "not_understood": _not_understood,
    "edited": _edited,
    "too_long": _too_long,
}


# --- Broadcasts -----------------------------------------------------------------------------


def _publication_line(publication, language) -> str:
    with translation.override(language):
        url = absolute(reverse("publications:detail", args=[publication.pk]))
    return f'<a href="{escape(url)}">{escape(publication.title)}</a>'


def _news(subscriber, broadcast, payload):
    from publications.selectors import publications_by_ids

    publication = publications_by_ids(ids=[broadcast.payload.get("publication_id")]).first()
    if publication is None:
        return None
    lines = [_("News of %(organisation)s") % {"organisation": escape(publication.organisation.name)}, "", "<b>" + _publication_line(publication, subscriber.language) + "</b>"]
    if publication.text:
        lines += ["", escape(Truncator(publication.text).chars(600))]
    return "\n".join(lines), None


def _digest(subscriber, broadcast, payload):
    from publications.selectors import publications_by_ids

    publications = list(publications_by_ids(ids=broadcast.payload.get("publication_ids", [])))
    if not publications:
        return None
    lines = [_("The union's news of the day:"), ""]
    lines += ["• " + _publication_line(p, subscriber.language) for p in publications]
    return "\n".join(lines), None


def _giveaway(subscriber, broadcast, payload):
    from giveaways.selectors import giveaway_by_id

    giveaway = giveaway_by_id(pk=broadcast.payload.get("giveaway_id"))
    if giveaway is None:
        return None
    with translation.override(subscriber.language):
        url = absolute(reverse("giveaways:detail", args=[giveaway.pk]))
    draw_at = timezone.localtime(giveaway.draw_at)
    lines = [
        # The union's own texts in the subscriber's language where it entered them (render()
        # runs in that language), as on the giveaway's page.
        _("Friday giveaway: %(title)s") % {"title": escape(giveaway.display_title)},
        _("Prizes: %(prizes)s") % {"prizes": escape(", ".join(giveaway.display_prizes.splitlines()))},
        _("The draw: %(when)s.") % {"when": draw_at.strftime("%d.%m.%Y %H:%M")},
    ]
    if giveaway.post_url:
        lines.append(_("Take part: %(url)s") % {"url": escape(giveaway.post_url)})
    lines.append(_("Rules and the check of the draw: %(url)s") % {"url": escape(url)})
    return "\n".join(lines), None


def _giveaway_result(subscriber, broadcast, payload):
    from giveaways.selectors import giveaway_by_id

    giveaway = giveaway_by_id(pk=broadcast.payload.get("giveaway_id"))
    if giveaway is None:
        return None
    with translation.override(subscriber.language):
        url = absolute(reverse("giveaways:detail", args=[giveaway.pk]))
        verify = absolute(reverse("giveaways:verify"))
    lines = [
        _("The giveaway «%(title)s» is drawn.") % {"title": escape(giveaway.display_title)},
        _("The winners and the published data of the draw: %(url)s") % {"url": escape(url)},
        _("Anyone can check the draw: %(url)s") % {"url": escape(verify)},
    ]
    return "\n".join(lines), None


def _staff_text(subscriber, broadcast, payload):
    text = broadcast.text_kk if subscriber.language == "kk" and broadcast.text_kk else broadcast.text_ru
    text = text or broadcast.text_kk
    if not text:
        return None
    heading = _("Important notice") if broadcast.kind == Kind.NOTICE else ""
    body = escape(text)
    options = broadcast.payload.get("buttons") or []
    keyboard = None
    if options:
        # Polls (and anything else that needs answers) pass their buttons in the payload:
        # [{"text_ru": …, "text_kk": …, "data": "poll:3:1"}, …]; see docs/messaging.md.
        keyboard = buttons(*[[(o.get(f"text_{subscriber.language}") or o.get("text_ru", ""), o["data"])] for o in options])
    return (f"<b>{heading}</b>\n\n{body}" if heading else body), keyboard


def _poll(subscriber, broadcast, payload):
    """A poll's invitation or its "you said, we did" note; staff texts (with buttons) as
    before when the broadcast names no poll. A one-question anonymous invitation poll goes
    as a native Telegram poll: (question, {"send_poll": …}), sent by `sending` with sendPoll."""
    poll_id = broadcast.payload.get("poll_id")
    if poll_id is None:
        return _staff_text(subscriber, broadcast, payload)
    from polls import selectors, services
    from polls.choices import Access, PollState

    poll = selectors.poll_by_id(pk=poll_id)
    if poll is None:
        return None
    title = escape(poll.title)
    if broadcast.payload.get("outcome"):
        if not poll.outcome:
            return None
        url = absolute(reverse("polls:results", args=[poll.slug]))
        lines = ["<b>" + _("“You said, we did”: %(title)s") % {"title": title} + "</b>", "", escape(poll.outcome), "",
                 _("The results and the decision: %(url)s") % {"url": escape(url)}]
        return "\n".join(lines), None
    if poll.state() != PollState.OPEN:
        return None  # closed before the invitation left: nothing to invite to
    link = None
    if poll.access == Access.INVITATION:
        _invitation, code = services.invitation_issue_telegram(poll=poll, subscriber_id=subscriber.pk, unit=subscriber.branch)
        native = selectors.telegram_poll_payload(poll) if poll.is_anonymous else None
        if native is not None:
            return native["question"], {"send_poll": native}
        link = services.invitation_url(poll=poll, code=code)
    elif subscriber.branch_id is not None:
        link = absolute(reverse("polls:unit", args=[poll.slug, subscriber.branch.slug]))
    else:
        link = absolute(reverse("polls:answer", args=[poll.slug]))
    closes = date_format(timezone.localtime(poll.closes_at), "j E")
    lines = ["<b>" + _("A poll of the union: %(title)s") % {"title": title} + "</b>"]
    if poll.intro:
        lines += ["", escape(Truncator(poll.intro).chars(600))]
    lines += ["", _("Answer by %(date)s: %(url)s") % {"date": closes, "url": escape(link)}]
    if poll.access == Access.INVITATION:
        lines.append(_("The link is yours alone and counts one answer."))
    return "\n".join(lines), None


def _answer(subscriber, broadcast, payload):
    from appeals.selectors import appeal_by_id

    appeal = appeal_by_id(pk=payload.get("appeal_id"))
    if appeal is None or appeal.anonymised_at or not appeal.answer:
        return None
    text = "\n".join([
        "<b>" + _("The answer to your appeal %(reference)s") % {"reference": appeal.reference} + "</b>",
        "",
        escape(Truncator(appeal.answer).chars(3500)),
    ])
    if appeal.can_be_rated:
        return text, _rating_keyboard(appeal)
    return text, None


def _rating_keyboard(appeal) -> dict:
    from appeals.choices import Rating

    return buttons([(_("👍 Helpful"), f"rate:{appeal.pk}:{Rating.HELPFUL}"), (_("👎 Not helpful"), f"rate:{appeal.pk}:{Rating.NOT_HELPFUL}")])


def _rate(subscriber, broadcast, payload):
    from appeals.selectors import appeal_by_id

    appeal = appeal_by_id(pk=payload.get("appeal_id"))
    if appeal is None or not appeal.can_be_rated:
        return None
    return _("Your appeal %(reference)s is closed. Did the answer help?") % {"reference": appeal.reference}, _rating_keyboard(appeal)


def _reply(subscriber, broadcast, payload):
    render = REPLIES.get(payload.get("key", ""))
    return render(subscriber, payload.get("params") or {}) if render else None


RENDERERS: dict[str, Callable] = {
    Kind.NEWS: _news,
    Kind.DIGEST: _digest,
    Kind.GIVEAWAY: _giveaway,
    Kind.GIVEAWAY_RESULT: _giveaway_result,
    Kind.NOTICE: _staff_text,
    Kind.POLL: _poll,
    Kind.ANSWER: _answer,
    Kind.RATE: _rate,
    Kind.REPLY: _reply,
}


def render(message) -> tuple[str, Keyboard] | None:
    """The text and keyboard of an outbox row in its subscriber's language; None when what
    it was about is gone (a deleted publication, an anonymised appeal)."""
    subscriber = message.subscriber
    with translation.override(subscriber.language):
        return RENDERERS[message.kind](subscriber, message.broadcast, message.payload or {})


def preview(*, kind: str, text_ru: str, text_kk: str, payload: dict | None = None) -> dict[str, str]:
    """What a broadcast will look like in each language, for the admin's preview."""
    from messaging.models import Broadcast, Subscriber

    broadcast = Broadcast(kind=kind, text_ru=text_ru, text_kk=text_kk, payload=payload or {})
    result = {}
    for language in BotLanguage.values:
        subscriber = Subscriber(language=language)
        with translation.override(language):
            rendered = RENDERERS[kind](subscriber, broadcast, {})
        result[language] = rendered[0] if rendered else ""
    return result
