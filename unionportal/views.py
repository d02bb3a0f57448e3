"""Views of the frame: the health check and robots.txt (the home page is in `portal`)."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

ROBOTS_DISALLOWED = ("/admin/", "/accounts/", "/dashboard/", "/appeal/status/")


def _robots_txt() -> str:
    # Russian has no prefix; Kazakh and English pages live under /kk/ and /en/ and must be
    # kept out as well (a member's status page is the same page in every language).
    prefixes = ["", *(f"/{code}" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)]
    lines = ["User-agent: *", *(f"Disallow: {prefix}{path}" for prefix in prefixes for path in ROBOTS_DISALLOWED)]
    return "\n".join(lines) + "\n"


ROBOTS_TXT = _robots_txt()


@require_safe
def robots_txt(request):
    """Keeps crawlers out of staff pages and members' appeal pages; also the bare view of the HTTP bench."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False


def _broker_ok() -> bool:
    from unionportal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001
        return False


@never_cache
@require_safe
def healthz(request):
    """For the load balancer and the person on call: 200 when the database and broker answer."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse({"status": "ok" if status == 200 else "fail", **{k: "ok" if v else "fail" for k, v in checks.items()}}, status=status)
