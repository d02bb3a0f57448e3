"""System checks of the account settings a deployment might get wrong."""

from django.conf import settings
from django.core.checks import Warning, register


@register("security")
def check_signup_does_not_enumerate(app_configs, **kwargs):
    """With open registration, only mandatory e-mail verification lets allauth answer a
    signup for a registered address exactly as for a new one."""
    if getattr(settings, "ACCOUNT_ALLOW_REGISTRATION", True) and settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        return [
            Warning(
                "Signup tells whether an e-mail address is registered.",
                hint="Set ACCOUNT_EMAIL_VERIFICATION=mandatory, or ACCOUNT_ALLOW_REGISTRATION=0.",
                id="accounts.W001",
            )
        ]
    return []
