"""Load the starting service catalogue (homecare/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from yanglao.homecare.catalogue import ITEMS

    ServiceItem = apps.get_model("homecare", "ServiceItem")
    for code, name, content, tags, unit, qual, typical, shortest in ITEMS:
        ServiceItem.objects.update_or_create(
            code=code,
            defaults=dict(name=name, content=content, tags=tags, unit=unit, qualification=qual,
                          typical_minutes=typical, min_minutes=shortest),
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("homecare", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
