"""Stored phones in the international form (+77015551234), so that the same person's
appeals match for erasure, export and duplicates. A stored text that is no phone number
is left as it is: it is the member's data, and staff can correct it in the admin."""

from django.db import migrations


def normalise(apps, schema_editor):
    from appeals.phones import normalise_phone_or_keep

    Appeal = apps.get_model("appeals", "Appeal")
    changed = []
    for appeal in Appeal.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        phone = normalise_phone_or_keep(appeal.phone)
        if phone != appeal.phone:
            appeal.phone = phone
            changed.append(appeal)
        if len(changed) >= 2000:
            Appeal.objects.bulk_update(changed, ["phone"])
            changed = []
    Appeal.objects.bulk_update(changed, ["phone"])


class Migration(migrations.Migration):
    dependencies = [("appeals", "0003_appeal_phone_help_text")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
