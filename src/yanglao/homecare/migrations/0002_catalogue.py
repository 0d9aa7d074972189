"""Load the starting service catalogue (homecare/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from yanglao.homecare.catalogue import item_fields

    ServiceItem = apps.get_model("homecare", "ServiceItem")
    for fields in item_fields():
        ServiceItem.objects.update_or_create(code=fields.pop("code"), defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("homecare", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
