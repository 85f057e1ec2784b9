"""The table of the shared cache that production uses without REDIS_URL (core.cache.SHARED_CACHE_TABLE).

Created by `migrate` whatever the settings of the run, so switching a server to the database cache later never
needs a separate `createcachetable` step. Django's own command builds the table (same schema as Django expects).
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "apes_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_data_version")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
