import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Carers get `updated_at`, which dispatch suggestions watch to re-read a provider's carers;
    the location index made for reading carers near a home is no longer used."""

    dependencies = [
        ("homecare", "0003_carer_location_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="carer",
            name="homecare_ca_provide_c4132f_idx",
        ),
        migrations.AddField(
            model_name="carer",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="carer",
            index=models.Index(fields=["provider", "updated_at"], name="homecare_ca_provide_c0ca25_idx"),
        ),
    ]
