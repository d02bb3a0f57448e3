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
