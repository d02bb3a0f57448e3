"""System checks of the settings a deployment of more than one node might get wrong."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def check_shared_state_with_an_object_store(app_configs, **kwargs):
    """An object store means more than one node is meant; without Redis each process keeps
    its own cache and rate limits, and beat has no lock (docs/deploy.md, "What a node keeps")."""
    if getattr(settings, "S3_STORAGE", None) is not None and not settings.REDIS_URL:
        return [
            Warning(
                "An object store is set (STORAGE_URL) without REDIS_URL: each process keeps its own cache and "
                "rate limits, and beat must run on one machine only.",
                hint="Set REDIS_URL on every node, or run one node only.",
                id="unionportal.W001",
            )
        ]
    return []
