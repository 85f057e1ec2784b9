"""The catalogue: solidarity-economy organisations and their activity sectors."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

from core.models import PublishedQuerySet
from core.text import compact, normalize
from core.validators import validate_image_file
from directory.logos import shrink_logo
from directory.search import search_filter

# The record's rules. `Organisation.clean()` says them in French for every path that writes a record (admin,
# import, member proposals, membership acceptance); the named check constraints below hold the formats in the
# database too, so nothing (a shell, a bulk update) can store "ABCDE" as a postal code.
POSTAL_CODE_PATTERN = r"^[0-9]{5}$"
SIREN_PATTERN = r"^[0-9]{9}$"
SIRET_PATTERN = r"^[0-9]{14}$"
#: Digits, spaces, dots, dashes, brackets and a leading "+" (the database's rule; clean() is stricter).
PHONE_PATTERN = r"^[+]?[0-9][0-9 .()-]*$"
URL_PATTERN = r"^https?://"
URL_FIELDS = ("website", "facebook_url", "linkedin_url", "instagram_url")
_PHONE_SEPARATORS = re.compile(r"[ .()-]")
# A French number (0 then 9 digits, or +33 then 9 digits) or another country's (+ then 8 to 15 digits).
_PHONE = re.compile(r"^(0[1-9][0-9]{8}|\+33[1-9][0-9]{8}|\+(?!33)[1-9][0-9]{7,14})$")


def phone_is_valid(phone):
    """True for "03 27 00 00 00", "03.27.00.00.00", "+33 3 27 00 00 00" or "+32 2 123 45 67"."""
    compacted = _PHONE_SEPARATORS.sub("", phone or "")
    return bool(re.fullmatch(PHONE_PATTERN, phone or "")) and bool(_PHONE.match(compacted))


def rule_errors(organisation):
    """{field: French message} for every rule of the record that `organisation` breaks (formats and checksums).

    The one list of rules, read by `Organisation.clean()` and by the migration that reports older rows.
    """
    errors = {}
    postal_code = organisation.postal_code or ""
    if postal_code and not re.fullmatch(POSTAL_CODE_PATTERN, postal_code):
        errors["postal_code"] = f"« {postal_code} » n'est pas un code postal : il compte 5 chiffres."
    elif postal_code and organisation.commune_id:
        served = organisation.commune.postal_codes or []
        if served and postal_code not in served:
            errors["postal_code"] = (
                f"Le code postal {postal_code} ne dessert pas {organisation.commune.name} "
                f"(codes postaux de la commune : {', '.join(served)})."
            )
    if organisation.siren and not siren_number.is_valid(organisation.siren):
        errors["siren"] = "Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle)."
    if organisation.siret:
        if not siret_number.is_valid(organisation.siret):
            errors["siret"] = "Ce numéro SIRET n'est pas valide (14 chiffres, clé de contrôle)."
        elif organisation.siren and not organisation.siret.startswith(organisation.siren):
            errors["siret"] = "Le SIRET doit commencer par le SIREN de l'organisation."
    if organisation.phone and not phone_is_valid(organisation.phone):
        errors["phone"] = (
            f"« {organisation.phone} » n'est pas un numéro de téléphone : écrivez par exemple 03 20 00 00 00 "
            "ou +33 3 20 00 00 00."
        )
    for name in URL_FIELDS:
        value = getattr(organisation, name) or ""
        if value and not re.match(URL_PATTERN, value):
            errors[name] = f"« {value} » n'est pas une adresse web : elle commence par https://."
    return errors


class Sector(models.Model):
    """An activity sector (emploi/insertion, alimentation, mobilité…)."""

    slug = models.SlugField(unique=True)
    name = models.CharField("nom", max_length=100)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "secteur d'activité"
        verbose_name_plural = "secteurs d'activité"

    def __str__(self):
        return self.name


class OrganisationQuerySet(PublishedQuerySet):
    def in_epci(self, epci):
        return self.filter(commune__epci=epci)

    def search(self, query):
        """Forgiving search (case, accents, punctuation, small typos): see `directory.search.search_filter`.

        Annotates each row with `search_rank` (higher is better) when the query is not empty.
        """
        return search_filter(self, query)

    # The columns a list card reads (includes/directory_card.html): the list reads 24 rows per page, and the
    # long texts, contact fields and search columns it never shows were most of each row's transfer and
    # instantiation (bench/RESULTS-misses.md). A card that shows another field must add it here.
    CARD_FIELDS = (
        "name",
        "slug",
        "kind",
        "short_description",
        "is_member",
        "status",
        "closed_on",
        "commune__name",
        "commune__insee_code",
    )

    def for_cards(self):
        """What a list card shows, with its commune, in one query whatever the page size; its sectors come from
        `directory.taxonomy.with_sectors` (one more query for the page)."""
        return self.select_related("commune").only(*self.CARD_FIELDS)

    def located(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class SireneState(models.TextChoices):
    """The administrative state of a legal unit or establishment in SIRENE."""

    ACTIVE = "active", "Active"
    CLOSED = "closed", "Fermée"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", "Association"
        SCOP = "scop", "SCOP"
        SCIC = "scic", "SCIC"
        COOPERATIVE = "cooperative", "Coopérative"
        INSERTION = "insertion", "Structure d'insertion (SIAE)"
        ENTREPRISE_ADAPTEE = "entreprise-adaptee", "Entreprise adaptée"
        COLLECTIVITE = "collectivite", "Collectivité"
        PTCE = "ptce", "PTCE"
        RESEAU = "reseau", "Réseau"
        ACCOMPAGNEMENT = "accompagnement", "Structure d'accompagnement"
        ENSEIGNEMENT = "enseignement", "Enseignement et recherche"
        ENTREPRISE = "entreprise", "Entreprise"
        AUTRE = "autre", "Autre"

    class Status(models.TextChoices):
        ACTIVE = "active", "En activité"
        CLOSED = "closed", "Fermée"

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.ASSOCIATION)
    legal_form = models.CharField("forme juridique", max_length=100, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True, help_text="9 chiffres, sans espace.")
    siret = models.CharField("SIRET", max_length=14, blank=True, help_text="14 chiffres, sans espace.")
    short_description = models.CharField("présentation courte", max_length=300, blank=True)
    description = models.TextField("présentation détaillée", blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name="secteurs d'activité", related_name="organisations", blank=True
    )
    themes = models.ManyToManyField(
        "territories.Theme", verbose_name="thématiques", related_name="organisations", blank=True
    )

    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    location_is_approximate = models.BooleanField(
        "position approximative",
        default=True,
        help_text="Cochée tant que le point est au centre de la commune et non à l'adresse exacte.",
    )

    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    website = models.URLField("site web", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    instagram_url = models.URLField("Instagram", blank=True)
    logo = models.ImageField(
        "logo",
        upload_to="logos/",
        blank=True,
        validators=[validate_image_file],
        help_text="JPEG, PNG, WebP ou GIF ; réduit automatiquement à 512 pixels de côté au plus.",
    )

    is_member = models.BooleanField("adhérent du réseau", default=False)
    member_since = models.DateField("adhérent depuis", null=True, blank=True)
    charter_signed_on = models.DateField("charte signée le", null=True, blank=True)
    represented_epci = models.ForeignKey(
        "territories.Epci",
        verbose_name="EPCI représenté",
        on_delete=models.SET_NULL,
        related_name="authority_organisations",
        null=True,
        blank=True,
        help_text="Pour une collectivité : l'EPCI qu'elle est.",
    )
    ptces = models.ManyToManyField(
        "self",
        verbose_name="membre des PTCE",
        symmetrical=False,
        related_name="ptce_members",
        blank=True,
        limit_choices_to={"kind": "ptce"},
    )

    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField("fermée le", null=True, blank=True)
    is_published = models.BooleanField("publiée", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    # What the checks against public registries found (directory/geocoding.py, directory/sirene.py):
    # recorded for staff, never applied to the record by themselves.
    geocoding_score = models.FloatField(
        "score du géocodage", null=True, blank=True, help_text="Confiance du géocodeur dans le point (0 à 1)."
    )
    sirene_checked_at = models.DateTimeField("vérifiée dans SIRENE le", null=True, blank=True, editable=False)
    sirene_is_ess = models.BooleanField("ESS selon SIRENE", null=True, blank=True, editable=False)
    sirene_is_siae = models.BooleanField("SIAE selon SIRENE", null=True, blank=True, editable=False)
    sirene_state = models.CharField(
        "état administratif (SIRENE)", max_length=10, choices=SireneState.choices, blank=True, editable=False
    )
    sirene_state_since = models.DateField("état SIRENE depuis le", null=True, blank=True, editable=False)

    # Normalised name, commune and descriptions, kept for indexed, accent-free search.
    search_text = models.TextField(editable=False, default="")
    # The name as lists sort it (case, accents and punctuation folded, `core.text.normalize`): "Épicerie"
    # between "Compost" and "Maison" on PostgreSQL and SQLite alike. Its index holds a few words per row, where
    # one on `search_text` held every description (97 MB at 200,000 organisations, against 20 MB).
    sort_name = models.TextField(editable=False, default="")

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "search_text",
            "sort_name",
            "sirene_checked_at",
            "sirene_is_ess",
            "sirene_is_siae",
            "sirene_state",
            "sirene_state_since",
        ]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        constraints = [
            models.UniqueConstraint(
                fields=["siren"], condition=~Q(siren=""), name="directory_organisation_siren_unique"
            ),
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="directory_organisation_siret_unique"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="directory_organisation_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="directory_organisation_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_on__isnull=True),
                name="directory_organisation_closed_on_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=POSTAL_CODE_PATTERN),
                name="directory_organisation_postal_code_format",
            ),
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=SIREN_PATTERN), name="directory_organisation_siren_format"
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=SIRET_PATTERN), name="directory_organisation_siret_format"
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=PHONE_PATTERN), name="directory_organisation_phone_format"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{name: ""}) | Q(**{f"{name}__regex": URL_PATTERN}),
                    name=f"directory_organisation_{name}_format",
                )
                for name in URL_FIELDS
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "name"], name="directory_org_published_name"),
            # The list's default order: lets PostgreSQL read a page from the index instead of sorting every
            # published row.
            models.Index(fields=["is_published", "sort_name", "id"], name="directory_org_published_sort"),
            models.Index(fields=["latitude", "longitude"], name="directory_org_lat_lng"),
            # A filtered list counts its rows on every page. With these two small partial indexes the count
            # by department, EPCI or commune (joined through `commune`), by sector or theme (joined through
            # `id`) or by both reads the indexes alone, never the wide table (20,000 rows: 14-20 ms -> 2-3.5 ms).
            models.Index(fields=["commune"], condition=Q(is_published=True), name="directory_org_pub_commune"),
            models.Index(fields=["id", "commune"], condition=Q(is_published=True), name="directory_org_pub_id"),
            # The PTCE the filters and pages name (`directory.taxonomy.published_ptces`), read once per data
            # version by each process: a scan of every row without it (0.4 s at 200,000 organisations).
            models.Index(fields=["name"], condition=Q(is_published=True, kind="ptce"), name="directory_org_pub_ptce"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if (self.latitude is None or self.longitude is None) and self.commune_id:
            self.latitude = self.commune.latitude
            self.longitude = self.commune.longitude
            self.location_is_approximate = True
        self.derive_texts()
        shrink_logo(self.logo)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_name", "latitude", "longitude"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:organisation-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = rule_errors(self)
        if self.siren and Organisation.objects.filter(siren=self.siren).exclude(pk=self.pk).exists():
            errors["siren"] = "Une autre organisation porte déjà ce numéro SIREN."
        if self.siret and Organisation.objects.filter(siret=self.siret).exclude(pk=self.pk).exists():
            errors["siret"] = "Une autre organisation porte déjà ce numéro SIRET."
        if self.closed_on and self.status != self.Status.CLOSED:
            errors["closed_on"] = "Une date de fermeture n'a de sens que pour une organisation fermée."
        if errors:
            raise ValidationError(errors)

    def derive_texts(self):
        """Set the columns derived from the name, descriptions and commune (`search_text`, `sort_name`). `save()`
        calls it; code that writes rows without `save()` (`bulk_create`) must call it too."""
        self.search_text = self.build_search_text()
        self.sort_name = normalize(self.name)

    def build_search_text(self):
        parts = [self.name, self.legal_form, self.short_description]
        if self.commune_id:
            parts.append(self.commune.name)
        # A space-free copy of the name lets "activcites" find "Activ'Cités" with the same trigram index.
        parts.append(compact(self.name))
        return normalize(" ".join(p for p in parts if p))

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED
