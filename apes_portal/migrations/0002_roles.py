"""Create the staff groups "Éditeur·rice" and "Administrateur·rice" (see apes_portal/roles.py).

Models created later by other apps get their permissions from the same function, run after
every migrate (post_migrate), so this migration never needs to be repeated.
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    from apes_portal.roles import sync_roles

    sync_roles(apps=apps, using=schema_editor.connection.alias)


def delete_roles(apps, schema_editor):
    from apes_portal.roles import ADMINISTRATOR_GROUP, EDITOR_GROUP

    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR_GROUP, ADMINISTRATOR_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("apes_portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0003_submissions_and_member_accounts"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
