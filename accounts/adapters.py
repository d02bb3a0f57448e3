from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from unionportal.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Reads from settings (the environment) whether members may sign up on their own."""

    def is_open_for_signup(self, request):
        return settings.ACCOUNT_ALLOW_REGISTRATION

    def get_client_ip(self, request):
        # allauth's login limits count per address: the same address every limit of the
        # portal uses (forwarded headers only from TRUSTED_PROXIES).
        return client_ip(request)
