"""The way back to a member, whatever channel their appeal came by: the status link and a
ready message in the appeal's language, as a WhatsApp link (wa.me), a Telegram share link,
an SMS, and a printable slip with a QR code for visits and phone calls.

The link carries the tracking code, the key to the appeal: these are built only for staff
whom `selectors.can_see_personal_data` allows on the appeal (the admin checks), never put
in a log or a task message.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from appeals.choices import OPEN_STATUSES
from appeals.models import Appeal
from appeals.phones import display_phone, phone_digits


@dataclass(frozen=True)
class WayBack:
    status_url: str
    lookup_url: str
    message: str
    whatsapp_url: str
    telegram_url: str
    sms_url: str
    phone: str


def status_url(appeal: Appeal) -> str:
    with translation.override(appeal.language):
        path = reverse("appeals:detail", kwargs={"code": appeal.tracking_code})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def lookup_url(appeal: Appeal) -> str:
    with translation.override(appeal.language):
        path = reverse("appeals:status")
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def message_for(appeal: Appeal, *, link: str | None = None) -> str:
    """The message to send back, in the appeal's language: number, due date or answer, link."""
    link = link or status_url(appeal)
    with translation.override(appeal.language):
        values = {
            "reference": appeal.reference,
            "due": appeal.due_date.strftime("%d.%m.%Y"),
            "link": link,
        }
        if appeal.status in OPEN_STATUSES:
            return _(
                "Hello! Your appeal No. %(reference)s has been received by the trade union. "
                "We will answer by %(due)s. Follow it here: %(link)s"
            ) % values
        return _("Hello! There is news on your appeal No. %(reference)s. Read it here: %(link)s") % values


def way_back(appeal: Appeal) -> WayBack:
    link = status_url(appeal)
    message = message_for(appeal, link=link)
    digits = phone_digits(appeal.phone) if appeal.phone.startswith("+") else ""
    # wa.me wants the international number as digits only, the text URL-encoded.
    whatsapp = f"https://wa.me/{digits}?{urlencode({'text': message}, quote_via=quote)}" if digits else ""
    # Telegram's share link: the member picks the chat (their number is not a Telegram address).
    text_without_link = message.replace(link, "").rstrip(" :")
    telegram = "https://t.me/share/url?" + urlencode({"url": link, "text": text_without_link}, quote_via=quote)
    sms = f"sms:+{digits}?{urlencode({'body': message}, quote_via=quote)}" if digits else ""
    return WayBack(
        status_url=link,
        lookup_url=lookup_url(appeal),
        message=message,
        whatsapp_url=whatsapp,
        telegram_url=telegram,
        sms_url=sms,
        phone=display_phone(appeal.phone) if appeal.phone else "",
    )


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no image file, nothing stored)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")
