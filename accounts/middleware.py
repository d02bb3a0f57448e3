from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class RequireStaffMFAMiddleware:
    """When MFA_REQUIRED_FOR_STAFF is on, staff reach the admin and the other staff pages
    (views under `staff_required`) only after turning on TOTP.

    The admin holds members' personal data; a stolen password alone must not open it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED_FOR_STAFF:
            return None
        match = request.resolver_match
        if match is None or not (match.app_name == "admin" or getattr(view_func, "staff_only", False)):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None
        if request.session.get("mfa_checked_for") == user.pk:
            return None
        from allauth.mfa.utils import is_mfa_enabled

        if is_mfa_enabled(user):
            request.session["mfa_checked_for"] = user.pk
            return None
        messages.warning(request, _("Turn on two-factor authentication to use the staff area."))
        return redirect("mfa_activate_totp")
