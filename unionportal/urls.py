from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from unionportal import views
from unionportal.context_processors import PORTAL_NAME

# The admin logs in through allauth, so two-factor and rate limits cover it too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = PORTAL_NAME
admin.site.site_title = _("Union portal")
admin.site.index_title = _("Information work")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Telegram posts here; no language prefix, no CSRF (checked by the secret-token header).
    path("telegram/", include("messaging.webhook_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("portal.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The registry's pages and a branch's page, assembled in `portal` (namespace "branches").
    path("branches/", include("portal.branch_urls")),
    path("news/", include("publications.urls")),
    path("appeal/", include("appeals.urls")),
    path("press/", include("media_reports.urls")),
    path("giveaways/", include("giveaways.urls")),
    path("telegram/", include("messaging.urls")),
    path("polls/", include("polls.urls")),
    path("dashboard/", include("reports.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    import re

    from django.urls import re_path

    from unionportal.uploads import serve_media

    # Uploads with the headers every upload is served with (nosniff; attachment unless a
    # checked image); nginx does the same in production.
    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", serve_media)]
