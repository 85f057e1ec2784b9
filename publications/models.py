"""Publications of the network (carnets, advocacy brochures, leaflets) and partners' studies.

A publication carries its PDF; the page count, the file size, the cover (when none is uploaded) and
preview images of the first pages are read or rendered from that file when it is uploaded or seeded,
never per request. Downloads are counted in total and per month, atomically.
"""

import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import FileExtensionValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.dates import DatePrecision, format_precise_date
from core.models import PublishedQuerySet
from core.text import normalize
from core.validators import validate_image_file, validate_pdf_file
from directory.models import Organisation
from publications.covers import MIME_TYPES, PREVIEW_WIDTH, RenderError, render_cover, render_pages, render_sizes
from publications.pdf import read_page_count
from territories.models import Dynamic, Epci

logger = logging.getLogger(__name__)

COVER_SIZES_DIRECTORY = "publications/cover-sizes/"

PREVIEW_PAGE_COUNT = 4
# Paths under /carnets/ that a slug must not take.
RESERVED_SLUGS = {"feed"}


class PublicationQuerySet(PublishedQuerySet):
    def newest_first(self):
        """By publication date, newest first; undated documents (leaflets) after dated ones."""
        return self.order_by(F("published_on").desc(nulls_last=True), "-created_at", "-pk")

    def search(self, text):
        """Every word of `text` appears in the title, subtitle, summary, publisher or credits (accents ignored)."""
        queryset = self
        for word in normalize(text).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def in_department(self, department):
        """About the department itself or about one of its EPCI."""
        return self.filter(
            Q(pk__in=Publication.departments.through.objects.filter(department=department).values("publication"))
            | Q(pk__in=Publication.epcis.through.objects.filter(epci__department=department).values("publication"))
        )

    def in_epci(self, epci):
        return self.filter(pk__in=Publication.epcis.through.objects.filter(epci=epci).values("publication"))

    def with_theme(self, theme):
        return self.filter(pk__in=Publication.themes.through.objects.filter(theme=theme).values("publication"))

    def for_detail(self):
        """Everything the detail page lists, one query per relation instead of one per item."""
        return self.prefetch_related(
            "themes",
            "departments",
            models.Prefetch("epcis", queryset=Epci.objects.only("id", "name", "slug")),
            models.Prefetch("organisations", queryset=Organisation.objects.published().only("id", "name", "slug")),
            models.Prefetch("dynamics", queryset=Dynamic.objects.published().only("id", "title", "slug")),
            "previews",
        )


class Publication(models.Model):
    class Collection(models.TextChoices):
        CARNETS = "carnets", "Les carnets de l'Apes"
        ADVOCACY = "plaidoyers", "Plaidoyers"
        LEAFLETS = "plaquettes", "Plaquettes"
        PARTNERS = "partenaires", "Études et panoramas de partenaires"

    class Kind(models.TextChoices):
        CARNET = "carnet", "Carnet"
        BROCHURE = "brochure", "Brochure"
        LEAFLET = "depliant", "Dépliant"
        STUDY = "etude", "Étude"
        PANORAMA = "panorama", "Panorama"
        REPORT = "rapport", "Rapport"
        GUIDE = "guide", "Guide"
        OTHER = "autre", "Autre document"

    class Access(models.TextChoices):
        PUBLIC = "public", "Public"
        MEMBERS = "adherents", "Réservé aux adhérents"

    class Language(models.TextChoices):
        FRENCH = "fr", "Français"
        ENGLISH = "en", "Anglais"
        DUTCH = "nl", "Néerlandais"
        GERMAN = "de", "Allemand"

    title = models.CharField("titre", max_length=250)
    subtitle = models.CharField("sous-titre", max_length=300, blank=True)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Adresse de la page : /carnets/<slug>/. Lettres, chiffres et tirets."
    )
    collection = models.CharField("collection", max_length=20, choices=Collection.choices)
    kind = models.CharField("type de document", max_length=20, choices=Kind.choices, default=Kind.CARNET)
    published_on = models.DateField(
        "date de publication", null=True, blank=True, help_text="Vide pour un document non daté."
    )
    published_on_precision = models.CharField(
        "précision de la date",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="Quand seule l'année (ou le mois) est connue, la date est affichée sans le jour.",
    )
    publisher = models.CharField(
        "éditeur", max_length=200, default="Apes Hauts-de-France", help_text="Qui publie le document."
    )
    summary = models.TextField("présentation", help_text="Paragraphes séparés par une ligne vide.")

    credit_direction = models.CharField("direction de la publication", max_length=300, blank=True)
    credit_coordination = models.CharField("coordination", max_length=300, blank=True)
    credit_writing = models.CharField("rédaction", max_length=300, blank=True)
    credit_illustration = models.CharField("illustrations", max_length=300, blank=True)

    pdf_file = models.FileField(
        "fichier PDF",
        upload_to="publications/pdf/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"], message="Déposez un fichier PDF (.pdf)."), validate_pdf_file],
        help_text="Un vrai PDF, non protégé par mot de passe. Le nombre de pages, le poids, la couverture et "
        "l'aperçu en sont tirés automatiquement.",
    )
    page_count = models.PositiveIntegerField("nombre de pages", null=True, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField("poids du fichier (octets)", null=True, blank=True, editable=False)
    cover = models.ImageField(
        "couverture",
        upload_to="publications/covers/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
        validators=[validate_image_file],
        help_text="Laissez vide pour utiliser la première page du PDF.",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_is_generated = models.BooleanField("couverture tirée du PDF", default=False, editable=False)
    # The cover at the widths pages show, in AVIF, WebP and JPEG: [{"width", "format", "name"}] (covers.py).
    cover_sizes = models.JSONField("tailles de la couverture", default=list, blank=True, editable=False)
    language = models.CharField("langue", max_length=2, choices=Language.choices, default=Language.FRENCH)

    themes = models.ManyToManyField(
        "territories.Theme", verbose_name="thématiques", related_name="publications", blank=True
    )
    epcis = models.ManyToManyField("territories.Epci", verbose_name="EPCI", related_name="publications", blank=True)
    departments = models.ManyToManyField(
        "territories.Department",
        verbose_name="départements",
        related_name="publications",
        blank=True,
        help_text="Pour un document qui porte sur un département entier.",
    )
    organisations = models.ManyToManyField(
        "directory.Organisation", verbose_name="organisations", related_name="publications", blank=True
    )
    dynamics = models.ManyToManyField(
        "territories.Dynamic", verbose_name="dynamiques territoriales", related_name="publications", blank=True
    )

    access = models.CharField("accès", max_length=10, choices=Access.choices, default=Access.PUBLIC)
    external_url = models.URLField(
        "lien externe",
        max_length=500,
        blank=True,
        help_text="Pour le document d'un partenaire : la page où il le publie.",
    )
    # Stored (not summed from DownloadCount) so lists and the admin sort by it without an aggregate.
    download_count = models.PositiveIntegerField("téléchargements", default=0, editable=False)
    is_published = models.BooleanField("publiée", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    # Normalised title, subtitle, summary, publisher and credits for accent-free search.
    search_text = models.TextField(editable=False, default="")

    objects = PublicationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["download_count", "search_text"])

    class Meta:
        ordering = [F("published_on").desc(nulls_last=True), "-created_at"]
        verbose_name = "publication"
        verbose_name_plural = "publications"
        permissions = [
            ("download_members_only", "Peut télécharger les publications réservées aux adhérents"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(pdf_file="") | ~Q(external_url=""),
                name="publications_publication_file_or_link",
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "published_on"], name="publications_published_date"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored_files", {})
        pdf_changed = bool(self.pdf_file) and self.pdf_file.name != stored.get("pdf_file", "")
        if self.cover and self.cover.name != stored.get("cover", ""):
            self.cover_is_generated = False  # staff uploaded their own cover
        pdf_bytes = None
        if pdf_changed:
            pdf_bytes = self._read_pdf()
            self.file_size = len(pdf_bytes)
            self.page_count = read_page_count(io.BytesIO(pdf_bytes))
        elif not self.pdf_file:
            self.file_size = self.page_count = None
        if self.pdf_file and (not self.cover or (pdf_changed and self.cover_is_generated)):
            pdf_bytes = pdf_bytes if pdf_bytes is not None else self._read_pdf()
            self._generate_cover(pdf_bytes)
        if self.cover.name != stored.get("cover", ""):
            self.rebuild_cover_sizes()
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
        self._stored_files = {"pdf_file": self.pdf_file.name, "cover": self.cover.name}
        if pdf_changed:
            self.rebuild_previews(pdf_bytes)

    def get_absolute_url(self):
        return reverse("publications:publication-detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember the stored file names to notice a new upload in save().
        instance._stored_files = {
            name: value for name, value in zip(field_names, values, strict=True) if name in ("pdf_file", "cover")
        }
        return instance

    def get_download_url(self):
        return reverse("publications:publication-download", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if not self.pdf_file and not self.external_url:
            errors["pdf_file"] = "Déposez le PDF ou indiquez un lien externe vers le document."
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"« {self.slug} » est réservé par le site ; choisissez une autre adresse."
        if errors:
            raise ValidationError(errors)

    # Derived values --------------------------------------------------------------------------------------

    @property
    def is_members_only(self):
        return self.access == self.Access.MEMBERS

    @property
    def year(self):
        return self.published_on.year if self.published_on else None

    @property
    def date_label(self):
        """The publication date in French, as precise as known ("2024", "juillet 2025"), or "" if undated."""
        return format_precise_date(self.published_on, self.published_on_precision)

    @property
    def size_label(self):
        """The file size as French readers expect it ("850 octets", "2,6 Ko", "12,4 Mo"), "" without a file."""
        return filesizeformat(self.file_size) if self.file_size is not None else ""

    @property
    def download_filename(self):
        """The name the downloaded file gets: the slug, readable and safe on every system."""
        return f"{self.slug}.pdf"

    @property
    def credits(self):
        """The filled credits as (label, names) pairs, in the usual colophon order."""
        candidates = [
            ("Direction de la publication", self.credit_direction),
            ("Coordination", self.credit_coordination),
            ("Rédaction", self.credit_writing),
            ("Illustrations", self.credit_illustration),
        ]
        return [(label, names) for label, names in candidates if names.strip()]

    def build_search_text(self):
        parts = [self.title, self.subtitle, self.summary, self.publisher, *(names for _label, names in self.credits)]
        return normalize(" ".join(part for part in parts if part))

    # Files -----------------------------------------------------------------------------------------------

    def _read_pdf(self):
        # PDFs are capped at PUBLICATION_MAX_UPLOAD_MB (50 MB by default): reading one in memory is fine.
        self.pdf_file.open("rb")
        try:
            self.pdf_file.seek(0)
            return self.pdf_file.read()
        finally:
            self.pdf_file.seek(0)

    def _generate_cover(self, pdf_bytes):
        try:
            jpeg = render_cover(pdf_bytes)
        except RenderError as error:
            logger.warning("Could not render the cover of %s: %s", self.slug, error)
            return
        if self.cover and self.cover_is_generated:
            self.cover.delete(save=False)  # derived from the previous PDF: nothing else points at it
        name = f"{self.slug}.jpg"
        # A named ContentFile: ImageField reads the width and height from it (it skips unnamed content).
        self.cover.save(name, ContentFile(jpeg, name=name), save=False)
        self.cover_is_generated = True

    def rebuild_cover_sizes(self):
        """Replace the cover's smaller copies (srcset) with copies of the current cover; saved with the publication."""
        for size in self.cover_sizes:
            self.cover.storage.delete(size["name"])
        self.cover_sizes = []
        if not self.cover:
            return
        self.cover.open("rb")
        try:
            self.cover.seek(0)
            image = self.cover.read()
        finally:
            self.cover.seek(0)
        for width, extension, content in render_sizes(image):
            name = self.cover.storage.save(
                f"{COVER_SIZES_DIRECTORY}{self.slug}-{width}.{extension}", ContentFile(content)
            )
            self.cover_sizes.append({"width": width, "format": extension, "name": name})

    @property
    def cover_sources(self):
        """The `<source>` of the cover's `<picture>`: [{"type", "srcset"}] for AVIF then WebP (none without sizes)."""
        return [
            {"type": MIME_TYPES[extension], "srcset": self._cover_srcset(extension)}
            for extension in ("avif", "webp")
            if any(size["format"] == extension for size in self.cover_sizes)
        ]

    @property
    def cover_srcset(self):
        """The JPEG `srcset` of the cover's `<img>`: its smaller copies, then the cover itself."""
        if not self.cover or not self.cover_sizes or not self.cover_width:
            return ""
        return f"{self._cover_srcset('jpg')}, {self.cover.url} {self.cover_width}w"

    def _cover_srcset(self, extension):
        storage = self.cover.storage
        return ", ".join(
            f"{storage.url(size['name'])} {size['width']}w" for size in self.cover_sizes if size["format"] == extension
        )

    def rebuild_previews(self, pdf_bytes=None):
        """Replace the preview images with the first pages of the current PDF."""
        for preview in self.previews.all():
            preview.image.delete(save=False)
        self.previews.all().delete()
        if not self.pdf_file:
            return
        if pdf_bytes is None:
            pdf_bytes = self._read_pdf()
        try:
            pages = render_pages(pdf_bytes, PREVIEW_PAGE_COUNT, PREVIEW_WIDTH)
        except RenderError as error:
            logger.warning("Could not render the preview of %s: %s", self.slug, error)
            return
        for number, jpeg in enumerate(pages, start=1):
            preview = PreviewPage(publication=self, number=number)
            name = f"{self.slug}-page-{number}.jpg"
            preview.image.save(name, ContentFile(jpeg, name=name), save=False)
            preview.save()

    # Downloads -------------------------------------------------------------------------------------------

    def record_download(self, when=None):
        """Count one download, in total and for the current month, atomically.

        Both counters are incremented in SQL (`F() + 1`), never read-modified-written in Python, so two
        simultaneous downloads count two. The month row is created on first use; when two requests create
        it at once, the unique constraint refuses one insert and that request increments instead.
        """
        month = timezone.localdate(when).replace(day=1)
        with transaction.atomic():
            Publication.objects.filter(pk=self.pk).update(download_count=F("download_count") + 1)
            monthly = DownloadCount.objects.filter(publication_id=self.pk, month=month)
            if not monthly.update(count=F("count") + 1):
                try:
                    with transaction.atomic():
                        DownloadCount.objects.create(publication_id=self.pk, month=month, count=1)
                except IntegrityError:
                    monthly.update(count=F("count") + 1)


class PreviewPage(models.Model):
    """A picture of one of the first pages of a publication's PDF, rendered at upload time."""

    publication = models.ForeignKey(
        Publication, verbose_name="publication", on_delete=models.CASCADE, related_name="previews"
    )
    number = models.PositiveSmallIntegerField("page")
    image = models.ImageField("image", upload_to="publications/previews/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["publication", "number"]
        verbose_name = "aperçu de page"
        verbose_name_plural = "aperçus de pages"
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="publications_previewpage_unique_number"),
        ]

    def __str__(self):
        return f"{self.publication} — page {self.number}"


class DownloadCount(models.Model):
    """Downloads of a publication during one month (`month` is the first day of that month)."""

    publication = models.ForeignKey(
        Publication, verbose_name="publication", on_delete=models.CASCADE, related_name="monthly_downloads"
    )
    month = models.DateField("mois", help_text="Le premier jour du mois.")
    count = models.PositiveIntegerField("téléchargements", default=0)

    class Meta:
        ordering = ["-month", "publication"]
        verbose_name = "téléchargements du mois"
        verbose_name_plural = "téléchargements par mois"
        constraints = [
            models.UniqueConstraint(fields=["publication", "month"], name="publications_downloadcount_unique_month"),
        ]

    def __str__(self):
        return f"{self.publication} — {self.month_label} : {self.count}"

    @property
    def month_label(self):
        return format_precise_date(self.month, DatePrecision.MONTH)

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "Indiquez le premier jour du mois."})
