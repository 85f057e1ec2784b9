from django.db import migrations, models

from core.text import normalize

BATCH = 2000


def fill_sort_names(apps, schema_editor):
    """`sort_name` is `normalize(name)`, as `Organisation.save` writes it from now on."""
    Organisation = apps.get_model("directory", "Organisation")
    batch = []
    for organisation in Organisation.objects.only("id", "name").iterator(chunk_size=BATCH):
        organisation.sort_name = normalize(organisation.name)
        batch.append(organisation)
        if len(batch) == BATCH:
            Organisation.objects.bulk_update(batch, ["sort_name"])
            batch = []
    Organisation.objects.bulk_update(batch, ["sort_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0011_published_ptce_index"),
        ("territories", "0002_dynamics_initiatives_partnerships"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="organisation",
            name="directory_org_published_sort",
        ),
        migrations.AddField(
            model_name="organisation",
            name="sort_name",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["is_published", "sort_name", "id"], name="directory_org_published_sort"),
        ),
    ]
