from django.conf import settings


def portal(request):
    """Contacts for the footer; the rest of the frame is static."""
    return {
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "PORTAL_CONTACT_PHONE": settings.PORTAL_CONTACT_PHONE,
    }
