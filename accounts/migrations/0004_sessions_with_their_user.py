# Sessions keep the id of the user they log in (accounts.models.Session, accounts/sessions.py),
# in a column added to Django's own session table, which stays Django's.

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations, models
from django.utils import timezone

BATCH = 1000


def _user_pk(data: str) -> int | None:
    try:
        # Decoded as every session store named SessionStore signs them (the class's name is
        # in the salt); a row that does not decode names nobody and is left to expire.
        return int(SessionStore().decode(data).get(SESSION_KEY))
    except (TypeError, ValueError):
        return None


def add_user_column(apps, schema_editor):
    Session = apps.get_model("accounts", "Session")
    schema_editor.add_field(Session, Session._meta.get_field("user_id"))


def name_the_user_of_each_live_session(apps, schema_editor):
    Session = apps.get_model("accounts", "Session")
    # The live sessions name their user at once (else each would until its next save read
    # its user with a query of its own, as before). Rows the old code writes meanwhile name
    # nobody, which is as safe.
    live = Session.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data")
    batch = []
    for session in live.iterator(chunk_size=BATCH):
        session.user_id = _user_pk(session.session_data)
        if session.user_id is not None:
            batch.append(session)
        if len(batch) == BATCH:
            Session.objects.bulk_update(batch, ["user_id"])
            batch = []
    Session.objects.bulk_update(batch, ["user_id"])


def remove_user_column(apps, schema_editor):
    Session = apps.get_model("accounts", "Session")
    schema_editor.remove_field(Session, Session._meta.get_field("user_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_role_holders_are_staff"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        # The model names Django's table and does not manage it: no table is made here.
        migrations.CreateModel(
            name="Session",
            fields=[
                ("session_key", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="session key")),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                ("user_id", models.BigIntegerField(blank=True, null=True, verbose_name="user id")),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "db_table": "django_session",
                "abstract": False,
                "managed": False,
            },
        ),
        migrations.RunPython(add_user_column, remove_user_column),
        migrations.RunPython(name_the_user_of_each_live_session, migrations.RunPython.noop),
    ]
