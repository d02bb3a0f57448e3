"""Scheduled jobs of accounts (unionportal/schedules.py)."""

from celery import shared_task

from accounts.sessions import SessionStore


@shared_task
def clear_expired_sessions() -> None:
    """Delete the sessions past their expiry: each holds allauth's record of a login, with the
    member's e-mail or username, and logs nobody in any more. Django's `clearsessions` by hand."""
    SessionStore.clear_expired()
