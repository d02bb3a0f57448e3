"""Users given a role through "Users → groups" before `is_staff` followed the roles got no
staff status; give it to them, as `accounts.services.user_sync_staff_status` now does."""

from django.db import migrations

ROLE_NAMES = ["chair", "regional_staff", "branch_editor"]


def role_holders_are_staff(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(groups__name__in=ROLE_NAMES, is_staff=False).update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(role_holders_are_staff, migrations.RunPython.noop)]
