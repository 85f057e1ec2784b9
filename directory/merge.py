"""Merging two organisation records that turn out to be the same body.

Staff choose the surviving value of each field; every link to the absorbed record (sectors, themes, PTCE in both
directions, member accounts, submissions, dynamics, publications, proposals: any foreign key or many-to-many that
points to an organisation) moves to the survivor, and so does its change history, so its former slug answers
with a 301 to the survivor's page (`PublishedQuerySet.renamed`). All of it in one transaction: a merge that
cannot finish changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.data import SOURCES, bump_data_version, bumps_collected
from directory.models import Organisation

#: Fields a merge never copies: identity and bookkeeping. The survivor keeps its own slug.
NOT_MERGED = {"id", "slug", "search_text", "sort_name", "created_at", "updated_at"}


class MergeRefused(ValueError):
    """The two records cannot be merged; the message says why, in French."""


def mergeable_fields():
    """The organisation's fields whose surviving value staff choose, in the form's order."""
    return [
        field
        for field in Organisation._meta.concrete_fields
        if field.editable and field.name not in NOT_MERGED and not field.many_to_many
    ]


def differing_fields(survivor, absorbed):
    """The mergeable fields on which the two records disagree (only those need a choice)."""
    return [
        field for field in mergeable_fields() if field.value_from_object(survivor) != field.value_from_object(absorbed)
    ]


def merge(survivor, absorbed, take_from_absorbed=(), by=None):
    """Merge `absorbed` into `survivor`, taking the fields named in `take_from_absorbed` from `absorbed`.

    Returns the survivor. Raises MergeRefused for a record merged with itself, and ValidationError (nothing
    changed) when the chosen values break the record's rules.
    """
    if survivor.pk == absorbed.pk:
        raise MergeRefused("Une fiche ne peut pas être fusionnée avec elle-même : choisissez deux fiches différentes.")
    allowed = {field.name for field in mergeable_fields()}
    unknown = set(take_from_absorbed) - allowed
    if unknown:
        raise MergeRefused(f"Champs inconnus : {', '.join(sorted(unknown))}.")

    with transaction.atomic(), bumps_collected():
        locked = {o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=[survivor.pk, absorbed.pk])}
        if len(locked) != 2:
            raise MergeRefused("Une des deux fiches n'existe plus : rechargez la page.")
        survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
        values = {name: getattr(absorbed, name) for name in take_from_absorbed}
        if "commune" in values:
            values["commune"] = absorbed.commune
        _move_many_to_many(survivor, absorbed)
        _move_foreign_keys(survivor, absorbed)
        absorbed_label, absorbed_pk = f"« {absorbed.name} » ({absorbed.slug})", absorbed.pk
        absorbed.delete()
        # Its versions join the survivor's history (the survivor's next version says "Fusion avec …"); the
        # deletion version would make the survivor look deleted, so it goes.
        absorbed_history = Organisation.history.filter(id=absorbed_pk)
        absorbed_history.filter(history_type="-").delete()
        absorbed_history.update(id=survivor.pk)
        for name, value in values.items():
            setattr(survivor, name, value)
        survivor.full_clean()
        survivor._change_reason = f"Fusion avec {absorbed_label}"
        if by is not None:
            survivor._history_user = by
        survivor.save()
    return survivor


def _move_many_to_many(survivor, absorbed):
    """Each link row of the absorbed record moves to the survivor, unless the survivor already has it."""
    sides = []
    for field in Organisation._meta.many_to_many:  # sectors, themes, ptces (forward side)
        sides.append((field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()))
    for relation in Organisation._meta.related_objects:  # ptce members, dynamics, publications, proposals…
        if relation.many_to_many:
            field = relation.field
            sides.append((field.remote_field.through, field.m2m_reverse_field_name(), field.m2m_field_name()))
    for through, own, other in sides:
        other_id = f"{other}_id"
        kept = set(through.objects.filter(**{own: survivor}).values_list(other_id, flat=True))
        if through._meta.get_field(other).related_model is Organisation:
            kept.add(survivor.pk)  # a PTCE link between the two records would point the survivor at itself
        moving = through.objects.filter(**{own: absorbed})
        moving.filter(**{f"{other_id}__in": kept}).delete()
        if moving.update(**{own: survivor}):
            _changed(through)


def _move_foreign_keys(survivor, absorbed):
    """Rows pointing at the absorbed record (accounts, submissions…) point at the survivor; exact doubles go."""
    for relation in Organisation._meta.related_objects:
        if relation.many_to_many or not isinstance(relation.field, models.ForeignKey):
            continue
        model, name = relation.related_model, relation.field.name
        moving = model._default_manager.filter(**{name: absorbed})
        for constraint in model._meta.constraints:
            # A unique (user, organisation) pair already on the survivor: the absorbed copy is redundant.
            if (
                isinstance(constraint, models.UniqueConstraint)
                and name in constraint.fields
                and not constraint.condition
            ):
                others = [field for field in constraint.fields if field != name]
                taken = model._default_manager.filter(**{name: survivor}).values_list(*others)
                for values in taken:
                    moving.filter(**dict(zip(others, values, strict=True))).delete()
        if moving.update(**{name: survivor}):
            _changed(model)


def _changed(model):
    """QuerySet.update() sends no signal: the app whose rows moved (a carnet citing the record, a dynamic
    naming it…) gets a new data version, so its pages stop naming the absorbed record."""
    if model._meta.app_label in SOURCES:
        bump_data_version(model._meta.app_label)


def validation_messages(error):
    """The French sentences of a ValidationError, for an admin message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
