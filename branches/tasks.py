"""Thin Celery tasks of the registry: they take ids and call `branches.linkcheck`."""

from celery import shared_task
from django.apps import apps

from branches.linkcheck import check_link_batch, ids_with_links, link_check_models

BATCH_SIZE = 50


@shared_task(soft_time_limit=1500, time_limit=1600)
def check_all_links(model_label: str | None = None, ids: list[int] | None = None) -> int:
    """Check every link of every model with LinkCheckFields (or only `ids` of `model_label`).

    Work is handed out in batches of ids; each batch claims its rows, so a second run
    started meanwhile skips what the first is checking.
    """
    queued = 0
    models = [apps.get_model(model_label)] if model_label else link_check_models()
    for model in models:
        pks = ids if ids is not None else ids_with_links(model)
        for start in range(0, len(pks), BATCH_SIZE):
            batch = pks[start : start + BATCH_SIZE]
            check_link_batch_task.delay(model._meta.label_lower, batch)
            queued += len(batch)
    return queued


@shared_task(soft_time_limit=600, time_limit=660)
def check_link_batch_task(model_label: str, ids: list[int]) -> int:
    return len(check_link_batch(model=apps.get_model(model_label), ids=ids))


@shared_task(soft_time_limit=600, time_limit=660)
def snapshot_followers() -> dict:
    """Daily: today's follower count of every connected and every discoverable page."""
    from branches.intake import snapshot_followers as run

    return {k: v for k, v in run().items() if k != "errors"}


@shared_task(soft_time_limit=300, time_limit=360)
def refresh_social_tokens() -> dict:
    """Daily: refresh tokens nearing their 60 days; warn staff 7 days before expiry."""
    from branches.services import social_connections_refresh
    from unionportal.connectors import connector_ran

    result = social_connections_refresh()
    connector_ran("tokens", errors=[], summary=f"{result['refreshed']} refreshed, {result['warned']} warned")
    return result
