"""PostgreSQL only: a stored French `tsvector` of each organisation, with its GIN index.

`search_vector` is a generated column, so every write path (save, bulk_create, update, raw SQL) keeps it
right without Django knowing it: it is not a model field; `directory.search.StoredSearchVector` names it in
queries. The name's words carry weight A, the rest of the (already unaccented) search text weight D, so
that `ts_rank` puts name matches first. `unaccent()` is only STABLE, which a generated column refuses;
the usual immutable wrapper (dictionary named explicitly) folds the name's accents.

On SQLite these operations do nothing; search falls back to LIKE on `search_text`.
"""

from django.db import migrations

FORWARDS = [
    "CREATE OR REPLACE FUNCTION directory_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "ALTER TABLE directory_organisation ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('french'::regconfig, directory_unaccent(coalesce(name, ''))), 'A') || "
    "setweight(to_tsvector('french'::regconfig, coalesce(search_text, '')), 'D')"
    ") STORED",
    "CREATE INDEX IF NOT EXISTS directory_org_search_vector ON directory_organisation USING gin (search_vector)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS directory_org_search_vector",
    "ALTER TABLE directory_organisation DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS directory_unaccent(text)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_organisation_rules")]

    operations = [migrations.RunPython(forwards, backwards)]
