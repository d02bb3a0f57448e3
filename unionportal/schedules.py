"""Every scheduled job of the portal, in one place (times are Asia/Almaty).

Each entry names a task that also exists as a management command, so any job can be run by
hand. `tests/test_schedules.py` fails when an entry names a task no app registers.
"""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    # Giveaways: freeze entry lists that closed, draw what is due, prepare next week's.
    # Every 5 minutes by default; settings.py applies GIVEAWAYS_DUE_MINUTES to both.
    "giveaways-close-due": {
        "task": "giveaways.tasks.close_due_giveaways",
        "schedule": crontab(minute="*/5"),
    },
    "giveaways-draw-due": {
        "task": "giveaways.tasks.draw_due_giveaways",
        "schedule": crontab(minute="*/5"),
    },
    "giveaways-create-next": {
        "task": "giveaways.tasks.create_next_giveaways",
        "schedule": crontab(hour=6, minute=0),
    },
    # Appeals: drain the e-mail outbox every minute (what a broker outage held back goes out
    # within minutes of its return), remind assignees every working morning, anonymise
    # appeals past the retention period nightly.
    "appeals-send-pending": {
        "task": "appeals.tasks.send_pending_notifications",
        "schedule": crontab(minute="*"),
        # A drain not picked up within a minute is superseded by the next one.
        "options": {"expires": 55},
    },
    "appeals-overdue-reminders": {
        "task": "appeals.tasks.send_overdue_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "appeals-anonymise": {
        "task": "appeals.tasks.anonymise_old_appeals",
        "schedule": crontab(hour=3, minute=15),
    },
    # Accounts: delete expired sessions nightly (each holds a login's e-mail or username).
    "accounts-clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=50),
    },
    # Registry: weekly check of every social link and media link.
    "branches-check-links": {
        "task": "branches.tasks.check_all_links",
        "schedule": crontab(day_of_week="sunday", hour=4, minute=0),
    },
    # Messaging: send what waits in the outbox (catch-up after a broker outage), turn new
    # publications and giveaways into messages, the daily digest, the weekly e-mail, and
    # the erasure of the chat ids of members who left.
    "messaging-send-outbox": {
        "task": "messaging.tasks.send_outbox",
        "schedule": crontab(minute="*"),
    },
    "messaging-queue-content": {
        "task": "messaging.tasks.queue_content",
        "schedule": crontab(minute="*/5"),
    },
    "messaging-daily-digest": {
        "task": "messaging.tasks.queue_daily_digests",
        "schedule": crontab(hour=19, minute=0),
    },
    "messaging-weekly-email": {
        "task": "messaging.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="monday", hour=8, minute=0),
    },
    "messaging-erase-departed": {
        "task": "messaging.tasks.erase_departed",
        "schedule": crontab(hour=3, minute=30),
    },
    # Reports: nightly rollup of the current year; on 1 January settle the year just ended.
    "reports-rollup-current-year": {
        "task": "reports.tasks.rollup_current_year",
        "schedule": crontab(hour=2, minute=0),
    },
    "reports-settle-previous-year": {
        "task": "reports.tasks.settle_previous_year",
        "schedule": crontab(month_of_year=1, day_of_month=1, hour=2, minute=30),
    },
    # Polls: rewrite the used invitation codes so their order says nothing about the answers.
    "polls-reshuffle-invitations": {
        "task": "polls.tasks.reshuffle_used_invitations",
        "schedule": crontab(minute="*/10"),
    },
    # Polls: freeze the final counts of polls that have closed.
    "polls-freeze-closed": {
        "task": "polls.tasks.freeze_closed_polls",
        "schedule": crontab(minute="*/10"),
    },
    # Imports: uploaded spreadsheets are deleted after SPREADSHEET_UPLOAD_KEEP_HOURS.
    "spreadsheets-purge-uploads": {
        "task": "unionportal.tasks.purge_spreadsheet_uploads",
        "schedule": crontab(hour=3, minute=45),
    },
    # Social intake (docs/social-intake.md): posts hourly, comments every half hour while a
    # giveaway is open, followers and tokens daily.
    "publications-fetch-social-posts": {
        "task": "publications.tasks.fetch_social_posts",
        # Hourly by default; settings.py applies SOCIAL_POSTS_MINUTE / SOCIAL_POSTS_HOURS.
        "schedule": crontab(minute=10),
    },
    "giveaways-fetch-comments": {
        "task": "giveaways.tasks.fetch_giveaway_comments",
        "schedule": crontab(minute="*/30"),
    },
    "branches-snapshot-followers": {
        "task": "branches.tasks.snapshot_followers",
        "schedule": crontab(hour=23, minute=30),
    },
    "branches-refresh-tokens": {
        "task": "branches.tasks.refresh_social_tokens",
        "schedule": crontab(hour=5, minute=0),
    },
    "media-reports-read-youtube": {
        "task": "media_reports.tasks.read_youtube_feeds",
        "schedule": crontab(hour=7, minute=15),
    },
}
