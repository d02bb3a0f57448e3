"""Every scheduled job of the portal, in one place (times are Asia/Almaty).

Each entry names a task that also exists as a management command, so any job can be run by
hand. `tests/test_schedules.py` fails when an entry names a task no app registers.
"""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    # Giveaways: freeze entry lists that closed, draw what is due, prepare next week's.
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
    # Appeals: remind assignees every working morning, anonymise old closed appeals nightly.
    "appeals-overdue-reminders": {
        "task": "appeals.tasks.send_overdue_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "appeals-anonymise": {
        "task": "appeals.tasks.anonymise_old_appeals",
        "schedule": crontab(hour=3, minute=15),
    },
    # Registry: weekly check of every social link and media link.
    "branches-check-links": {
        "task": "branches.tasks.check_all_links",
        "schedule": crontab(day_of_week="sunday", hour=4, minute=0),
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
    # Imports: uploaded spreadsheets are deleted after SPREADSHEET_UPLOAD_KEEP_HOURS.
    "spreadsheets-purge-uploads": {
        "task": "unionportal.tasks.purge_spreadsheet_uploads",
        "schedule": crontab(hour=3, minute=45),
    },
}
