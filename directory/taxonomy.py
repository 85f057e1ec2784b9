"""The small tables an organisation links to, read once per data version in each process.

Sectors, themes, departments, EPCI and the published PTCEs are tens of rows that change a few times a year,
while every organisation page and every list card shows some of them. Reading them through `select_related`
and `prefetch_related` cost the organisation page four queries, most of its time on a cache miss (their SQL
compilation, not the database: bench/RESULTS-misses.md). Here they are built once per data version of the
directory (`core.data.per_data_version`: any change to organisations, sectors, themes or territories starts a
new one, in every process), and a page asks the database only for its own rows and for the ids its rows link to
(`linked`, one query whatever the relations).

The objects are shared by every request of the process: read them, never change them.
"""

from functools import cached_property

from django.db import connection

from core.data import per_data_version
from directory.models import Organisation, Sector
from territories.models import Department, Epci, Theme


def published_ptces():
    return Organisation.objects.published().filter(kind=Organisation.Kind.PTCE).only("id", "name", "slug", "kind")


class Taxonomy:
    """Each table as {id: object}, read on its first use (a list page needs the sectors only)."""

    @cached_property
    def sectors(self):
        return Sector.objects.in_bulk()

    @cached_property
    def themes(self):
        return Theme.objects.only("id", "slug", "name", "order").in_bulk()

    @cached_property
    def departments(self):
        return Department.objects.in_bulk()

    @cached_property
    def epcis(self):
        return Epci.objects.defer("boundary").in_bulk()  # the boundary is drawn on the EPCI's own page only

    @cached_property
    def ptces(self):
        return published_ptces().in_bulk()


@per_data_version("directory")
def taxonomy():
    return Taxonomy()


# The M2M relations of Organisation that `linked` reads (each the name of its `Taxonomy` table too), and the
# order of their lists: the models' own `Meta.ordering`, and the PTCEs by name as their page lists them.
ORDERS = {
    "sectors": lambda sector: (sector.order, sector.name),
    "themes": lambda theme: (theme.order, theme.name),
    "ptces": lambda ptce: ptce.name,
}


def linked(organisation_ids, *relations, id_range=None):
    """{relation: {organisation id: [objects, in their list order]}} for the given M2M relations of
    Organisation ("sectors", "themes", "ptces"), in one query: the through tables' ids, the objects from
    `taxonomy()`. An unpublished PTCE is left out, as on the site.

    `id_range=(first, last)`, for ids read in primary-key order (the exports): the through tables are read by
    that range (two parameters per table) instead of an `IN` of the chunk's 2,000 ids; the rows
    of other organisations in the range are dropped here, so an export reads each through table once in all.
    """
    ids = list(organisation_ids)
    found = {relation: {} for relation in relations}
    if not ids:
        return found
    # Each table is read now, not on its first matching row: a page's queries depend on its rows, not on
    # which of them happen to link to something.
    tables = {relation: getattr(taxonomy(), relation) for relation in relations}
    if id_range:
        sql = _links_sql(relations, "BETWEEN %s AND %s")
        params = [bound for _ in relations for bound in id_range]
    else:
        sql = _links_sql(relations, f"IN ({', '.join(['%s'] * len(ids))})")
        params = ids * len(relations)
    wanted = set(ids) if id_range else None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, organisation_id, target_id in cursor:
            if wanted is not None and organisation_id not in wanted:
                continue
            relation = relations[index]
            target = tables[relation].get(target_id)
            if target is not None:
                found[relation].setdefault(organisation_id, []).append(target)
    for relation in relations:
        for targets in found[relation].values():
            targets.sort(key=ORDERS[relation])
    return found


def _links_sql(relations, condition):
    """One `UNION ALL` over the through tables of `relations`: (index of the relation, organisation id, linked
    id) rows whose organisation id meets `condition` (`IN (…)` or `BETWEEN`, its placeholders repeated per table).

    Written as SQL rather than as a union of querysets: Django took 1.7 ms to compile that union for every
    page (a list page, an organisation page), four times what the database took to run it.
    """
    quote = connection.ops.quote_name
    selects = []
    for index, relation in enumerate(relations):
        field = Organisation._meta.get_field(relation)
        table = quote(field.remote_field.through._meta.db_table)
        source, target = quote(field.m2m_column_name()), quote(field.m2m_reverse_name())
        selects.append(f"SELECT {index}, {source}, {target} FROM {table} WHERE {source} {condition}")
    return " UNION ALL ".join(selects)


def with_links(organisations, *relations, id_range=None):
    """The organisations as a list, each with a `<relation>_list` per relation (`sector_list`, `theme_list`,
    `ptce_list`): its linked objects in their order, in one query (`linked`, which takes `id_range` too)."""
    organisations = list(organisations)
    links = linked([organisation.pk for organisation in organisations], *relations, id_range=id_range)
    for relation in relations:
        attribute, targets = f"{relation[:-1]}_list", links[relation]
        for organisation in organisations:
            setattr(organisation, attribute, targets.get(organisation.pk, []))
    return organisations


def with_sectors(organisations):
    """`with_links` for the list's cards (includes/directory_card.html): each organisation's `sector_list`."""
    return with_links(organisations, "sectors")
