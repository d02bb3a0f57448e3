"""Members' phone numbers in one form, so that `8 701 555 1234`, `+7 701 555 1234`,
`+7 (701) 555-12-34` and `701 555 1234` are one person: for erasure and export on request,
for duplicate suggestions and for the WhatsApp link, which needs the international digits.

Numbers are kept in E.164 (`+77015551234`). A number without a country code is read as
Kazakh. `is_possible_number` (the length of a number of that country) rather than
`is_valid_number` (the operator prefixes known to the library): a new operator's prefix
must not make a member's real number "malformed".
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "KZ"


def normalise_phone(raw: str) -> str:
    """The number in E.164, '' for an empty one; ValidationError when it is not a phone."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _("“%(value)s” is not a phone number. Write it as +7 701 123 45 67 or 8 701 123 45 67."),
            code="phone",
            params={"value": raw[:40]},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone_or_keep(raw: str) -> str:
    """For stored data that may predate the rule: the E.164 form, or the text as it is."""
    try:
        return normalise_phone(raw)
    except ValidationError:
        return (raw or "").strip()


def phone_digits(phone: str) -> str:
    """The digits of a stored number, as wa.me and sms: links want them."""
    return "".join(ch for ch in phone if ch.isdigit())


def display_phone(phone: str) -> str:
    """A stored number written for people (+7 701 555 1234)."""
    try:
        number = phonenumbers.parse(phone, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return phone
    national = phonenumbers.national_significant_number(number)
    if number.country_code == 7 and len(national) == 10 and not phonenumbers.is_valid_number(number):
        # The library groups only the prefixes it knows; a Kazakh number reads +7 XXX XXX XXXX.
        return f"+7 {national[:3]} {national[3:6]} {national[6:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
