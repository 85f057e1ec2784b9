"""Staff roles: the "Éditeur·rice" and "Administrateur·rice" groups and their permissions.

Editors keep the content right (directory, territories, proposals, publications, the key figures);
they never see user accounts, groups or permissions. Administrators get every permission.

`sync_roles()` is idempotent. It runs from the data migration that creates the groups and again
after every `migrate` (post_migrate), so models added later by any content app are included
without a new migration.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITOR_GROUP = "Éditeur·rice"
ADMINISTRATOR_GROUP = "Administrateur·rice"

#: Apps whose every model is content that editors manage.
CONTENT_APPS = ("apes_portal", "directory", "territories", "proposals", "publications")

#: Models inside content apps that are about people's accounts, kept for administrators.
ACCOUNT_MODELS = {("directory", "organisationmembership")}

CONTENT_ACTIONS = ("add", "change", "delete", "view")


def editor_permissions(permission_model):
    """The queryset of permissions given to editors."""
    permissions = permission_model.objects.filter(content_type__app_label__in=CONTENT_APPS).select_related(
        "content_type"
    )
    return [
        permission
        for permission in permissions
        if permission.codename.split("_", 1)[0] in CONTENT_ACTIONS
        and (permission.content_type.app_label, permission.content_type.model) not in ACCOUNT_MODELS
    ]


def sync_roles(apps=global_apps, using="default", verbosity=0):
    """Create both groups if needed and give them their full set of permissions.

    Works with the historical app registry of a migration as well as the global one. Creates any
    missing permission first: in a fresh database, Django only creates them after all migrations.
    """
    # create_permissions takes the real app config and looks its models up in `apps`.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=verbosity, using=using, apps=apps)

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")

    editors, _ = group_model.objects.using(using).get_or_create(name=EDITOR_GROUP)
    editors.permissions.set(editor_permissions(permission_model))

    administrators, _ = group_model.objects.using(using).get_or_create(name=ADMINISTRATOR_GROUP)
    administrators.permissions.set(permission_model.objects.using(using).all())


def sync_roles_after_migrate(sender, app_config=None, using="default", verbosity=0, apps=global_apps, **kwargs):
    """post_migrate receiver: run once per migrate, when the signal is sent for this app."""
    if sender.name != "apes_portal":
        return
    sync_roles(apps=apps, using=using, verbosity=verbosity)
