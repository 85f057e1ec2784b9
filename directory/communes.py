"""Finding a commune from what people type or import: an INSEE code, or a name with a postal code.

Used by the import of organisations and by the public membership form, so both accept the same
inputs and refuse with the same French messages.
"""

from territories.models import Commune


class CommuneNotFound(LookupError):
    """No single commune matches; the message says why, in French, for the person who typed it."""


def find_commune(*, insee_code="", name="", postal_code=""):
    """Return the one commune designated by an INSEE code, or by a name (plus a postal code if needed).

    Names are compared without accents, case or punctuation ("Saint-Amand-les-Eaux" equals
    "saint amand les eaux"). A postal code narrows homonyms; without one, a name shared by
    several communes is refused rather than guessed.
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

    candidates = list(Commune.objects.filter(name__iexact=name))
    if not candidates:
        # Accents or punctuation typed differently: compare folded names in the department.
        scope = Commune.objects.all()
        if len(postal_code) == 5 and postal_code.isdigit():
            scope = scope.filter(department__code=postal_code[:2])
        candidates = list(scope.named(name))
    if postal_code:
        with_postal_code = [commune for commune in candidates if postal_code in (commune.postal_codes or [])]
        if with_postal_code:
            candidates = with_postal_code
        elif candidates:
            raise CommuneNotFound(f"La commune « {name} » n'a pas le code postal {postal_code}.")

    if not candidates:
        where = f" (code postal {postal_code})" if postal_code else ""
        raise CommuneNotFound(f"Commune introuvable : « {name} »{where}.")
    if len(candidates) > 1:
        raise CommuneNotFound(f"Plusieurs communes s'appellent « {name} » : précisez le code postal ou le code INSEE.")
    return candidates[0]
