"""Activity sensors whose heartbeats were stored on SQLite before the fix carry last_activity_ms = 0
(read as "no activity since 1970"); 0 meant "never saw movement": make it NULL."""

from django.db import migrations


def zero_is_never(apps, schema_editor):
    Device = apps.get_model("alarms", "Device")
    Device.objects.filter(last_activity_ms=0).update(last_activity_ms=None)


class Migration(migrations.Migration):
    dependencies = [("alarms", "0002_reading_device_index_covered")]

    operations = [migrations.RunPython(zero_is_never, migrations.RunPython.noop)]
