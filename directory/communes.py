"""The commune of a membership application or an imported row, with the French refusal messages.

Both the public membership form and the import of organisations go through `commune_from()`, so they
accept the same inputs and refuse with the same words; the search itself is `Commune.objects.lookup()`.
"""

from territories.models import Commune


class CommuneNotFound(LookupError):
    """No single commune matches; the message says why, in French, for the person who typed it."""


def commune_from(*, insee_code="", name="", postal_code=""):
    """The one commune designated by an INSEE code, or by a name (plus a postal code if needed).

    A name shared by several communes without a postal code to tell them apart is refused, not guessed.
    """
    insee_code = (insee_code or "").strip()
    name = (name or "").strip()
    postal_code = (postal_code or "").strip()

    if insee_code:
        commune = Commune.objects.filter(insee_code=insee_code.zfill(5)).first()
        if commune is None:
            raise CommuneNotFound(f"Aucune commune n'a le code INSEE « {insee_code} ».")
        return commune
    if not name:
        raise CommuneNotFound("Indiquez la commune (nom et code postal, ou code INSEE).")

    lookup = Commune.objects.lookup(name, postal_code=postal_code)
    if lookup.commune is not None and lookup.exact:
        return lookup.commune
    if lookup.commune is not None:  # only the start of a name: a record's commune is never guessed
        raise CommuneNotFound(f"Commune introuvable : « {name} ». Vouliez-vous dire « {lookup.commune.name} » ?")
    if lookup.postal_code_mismatch:
        raise CommuneNotFound(f"La commune « {name} » n'a pas le code postal {postal_code}.")
    if lookup.candidates and lookup.exact:
        raise CommuneNotFound(f"Plusieurs communes s'appellent « {name} » : précisez le code postal ou le code INSEE.")
    where = f" (code postal {postal_code})" if postal_code else ""
    raise CommuneNotFound(f"Commune introuvable : « {name} »{where}.")
