"""The syllable-aligned name keys ("wang'xiu'ying") that rank pinyin matches (elders.naming): added
for the people already registered; new and renamed people get them from elders.services."""

from django.db import migrations


def add_aligned_keys(apps, schema_editor):
    from yanglao.elders import naming

    Elder = apps.get_model("elders", "Elder")
    NameKey = apps.get_model("elders", "NameKey")
    # 0006 reads elders.naming as it is now, so a database going through both at once already
    # has them: start from none, never twice.
    NameKey.objects.filter(key__contains=naming.SEPARATOR).delete()
    rows = Elder.objects.order_by("pk").values_list("pk", "name")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:5000])
        if not batch:
            return
        last = batch[-1][0]
        NameKey.objects.bulk_create(
            NameKey(elder_id=pk, key=key)
            for pk, name in batch
            for key in naming.search_keys(name)
            if naming.SEPARATOR in key
        )


class Migration(migrations.Migration):
    dependencies = [("elders", "0006_name_search_keys")]

    operations = [migrations.RunPython(add_aligned_keys, migrations.RunPython.noop)]
