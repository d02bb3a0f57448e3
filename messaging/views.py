"""The webhook Telegram posts updates to, the branch QR codes, and the digest switch."""

import hmac
import json
import logging

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from messaging import bot, digest, selectors

logger = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few kilobytes; anything larger is not Telegram


@csrf_exempt
@require_POST
def webhook(request):
    """Telegram's updates. Refused unless the secret-token header matches and the bot is on;
    answered 200 for everything Telegram sent, even what the bot ignores, so Telegram does
    not resend it for ever."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not settings.TELEGRAM_BOT_TOKEN or not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden("forbidden")
    if len(request.body) > MAX_UPDATE_BYTES:
        return HttpResponse(status=413)
    try:
        update = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"ok": False}, status=400)
    if isinstance(update, dict):
        bot.handle_update(update)
    return JsonResponse({"ok": True})


def branch_qr(request, slug):
    """The branch's subscribe QR code as SVG (scales to any print size)."""
    svg = selectors.branch_qr_svg(slug=slug)
    if svg is None:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def branch_poster(request, slug):
    """A printable A4 page for the union stand: the branch, the QR code and the link."""
    link = selectors.branch_link(slug=slug)
    if link is None:
        raise Http404
    return render(request, "messaging/branch_poster.html", link)


@require_http_methods(["GET", "POST"])
def digest_switch(request, token):
    """The link at the bottom of every digest e-mail: turn it off (or on again), no login."""
    try:
        user_id = digest.read_token(token)
    except signing.BadSignature:
        return render(request, "messaging/digest_switch.html", {"invalid": True}, status=400)
    preference = digest.preference_for(user_id)
    if preference is None:
        raise Http404
    if request.method == "POST":
        wants = request.POST.get("weekly_email") == "on"
        digest.preference_set(user_id=user_id, weekly_email=wants)
        preference.weekly_email = wants
        messages.success(request, _("Saved: the weekly digest is on.") if wants else _("Saved: the weekly digest is off."))
    return render(request, "messaging/digest_switch.html", {"preference": preference, "token": token})
