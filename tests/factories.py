"""factory-boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model

from directory.models import Organisation, Sector
from territories.models import Commune, Department, Epci, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "59"
    name = "Nord"
    slug = "nord"


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci

    siren = factory.Sequence(lambda n: f"2{n:08d}")
    name = factory.Sequence(lambda n: f"Communauté d'agglomération test {n}")
    slug = factory.Sequence(lambda n: f"ca-test-{n}")
    kind = Epci.Kind.CA
    population = 100_000
    department = factory.SubFactory(DepartmentFactory)
    centroid_latitude = 50.35
    centroid_longitude = 3.52


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    # Five characters like a real INSEE code, whatever the number of communes made in the session.
    insee_code = factory.Sequence(lambda n: f"59{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune test {n}")
    slug = factory.Sequence(lambda n: f"commune-test-{n}")
    postal_codes = ["59300"]
    population = 10_000
    department = factory.SubFactory(DepartmentFactory)
    epci = factory.SubFactory(EpciFactory, department=factory.SelfAttribute("..department"))
    latitude = 50.357
    longitude = 3.523


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Thématique {n}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"secteur-{n}")
    name = factory.Sequence(lambda n: f"Secteur {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.ASSOCIATION
    short_description = "Une structure de l'économie solidaire."
    commune = factory.SubFactory(CommuneFactory)
    is_published = True


# --- Staff admin and submissions (directory) ---------------------------------------------------


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    """A membership application with every charter principle and the consent ticked."""

    class Meta:
        model = "directory.MembershipApplication"

    organisation_name = factory.Sequence(lambda n: f"Coopérative candidate {n}")
    kind = "scic"
    postal_code = "59300"
    commune = factory.SubFactory(CommuneFactory)
    presentation = "Une coopérative de réemploi qui forme des personnes éloignées de l'emploi."
    contact_name = "Dominique Martin"
    email = factory.Sequence(lambda n: f"contact{n}@candidate.example")
    accepts_social_utility = True
    accepts_territorial_anchoring = True
    accepts_democratic_governance = True
    accepts_limited_profit = True
    consents_to_processing = True


class CorrectionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.CorrectionRequest"

    organisation = factory.SubFactory(OrganisationFactory)
    message = "La structure a déménagé rue de la Gare."


class OrganisationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.OrganisationMembership"

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ProposedChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.ProposedChange"

    organisation = factory.SubFactory(OrganisationFactory)
    proposed_by = factory.SubFactory(UserFactory)
    changes = factory.LazyFunction(lambda: {"website": "https://nouveau-site.example"})


# --- proposals (Municipales 2026) -------------------------------------------------------------
# Models named by string so this block needs no import of its own.


def _now():
    from django.utils import timezone

    return timezone.now()


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Campaign"
        django_get_or_create = ["slug"]

    title = "Municipales 2026 : nos propositions"
    slug = factory.Sequence(lambda n: f"campagne-{n}")
    year = 2026
    summary = "Des mesures concrètes pour les communes et les intercommunalités."
    introduction = "Une économie au service du mieux vivre.\n\nDes propositions pour le mandat."
    context = "L'intercommunalité est l'échelle la plus efficace."


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Axis"

    campaign = factory.SubFactory(CampaignFactory)
    order = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"axe-{n}")
    title = factory.Sequence(lambda n: f"Axe numéro {n}")
    introduction = "Pourquoi cet axe compte."


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Proposal"

    axis = factory.SubFactory(AxisFactory)
    order = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"mesure-{n}")
    title = factory.Sequence(lambda n: f"Mesure concrète {n}")
    text = "Ce que la collectivité peut faire."


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment; `status` defaults to validated (public). Pass proposals=[...] to link some."""

    class Meta:
        model = "proposals.Commitment"
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    kind = "elu"
    full_name = factory.Sequence(lambda n: f"Camille Élue {n}")
    role = "Maire"
    commune = factory.SubFactory(CommuneFactory)
    epci = factory.LazyAttribute(lambda c: c.commune.epci if c.commune else None)
    email = factory.Sequence(lambda n: f"signataire{n}@mairie.example")
    status = "validated"
    validated_at = factory.LazyFunction(_now)

    @factory.post_generation
    def proposals(self, create, extracted, **kwargs):
        if create and extracted:
            self.proposals.set(extracted)


class CommitmentUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.CommitmentUpdate"

    commitment = factory.SubFactory(CommitmentFactory)
    status = "en-cours"
    note = "Une délibération a été votée."


class AlertSubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed alert on one measure (pass epci=… and proposal=None for an EPCI's alert)."""

    class Meta:
        model = "proposals.AlertSubscription"

    email = factory.Sequence(lambda n: f"abonne{n}@exemple.fr")
    proposal = factory.SubFactory(ProposalFactory)
    consent_at = factory.LazyFunction(_now)
    confirmed_at = factory.LazyFunction(_now)


# --- territories: dynamics, timeline, partnerships, figures, initiatives --------------------------------


def _territories_day(year, month=1, day=1):
    """A date for the territories factories (imported here to leave the shared header alone)."""
    import datetime

    return datetime.date(year, month, day)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "territories.Initiative"

    title = factory.Sequence(lambda n: f"Initiative test {n}")
    slug = factory.Sequence(lambda n: f"initiative-test-{n}")
    kind = "coup-de-projecteur"
    summary = "Une initiative solidaire qui inspire d'autres territoires."
    context = "Un besoin du territoire restait sans réponse."
    objectives = "- créer des emplois ;\n- répondre au besoin."
    is_published = True


class DynamicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "territories.Dynamic"

    title = factory.Sequence(lambda n: f"Dynamique test {n}")
    slug = factory.Sequence(lambda n: f"dynamique-test-{n}")
    theme = factory.SubFactory(ThemeFactory)
    summary = "Une coopération entre acteurs d'un territoire."
    start_year = 2017
    phase = "structuration"
    is_published = True


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "territories.TimelineEvent"

    dynamic = factory.SubFactory(DynamicFactory)
    date = factory.LazyFunction(lambda: _territories_day(2017))
    date_precision = "year"
    title = factory.Sequence(lambda n: f"Étape {n}")
    involvement = "moderee"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "territories.Partnership"

    epci = factory.SubFactory(EpciFactory)
    start_year = 2017


class TerritoryFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "territories.TerritoryFigure"

    epci = factory.SubFactory(EpciFactory)
    label = "emplois dans l'ESS"
    value = 7892
    source = "Observatoire de la CRESS"
    as_of = factory.LazyFunction(lambda: _territories_day(2024, 9))
    as_of_precision = "month"


def _date(year, month, day):
    import datetime

    return datetime.date(year, month, day)


def _summary_pdf_file(publication):
    """A real PDF (title page + summary) named after the publication, built like the demo PDFs."""
    from django.core.files.base import ContentFile

    from publications.pdf import SummaryDocument, build_summary_pdf

    document = SummaryDocument(title=publication.title, summary=["Un document pour tester le portail."])
    return ContentFile(build_summary_pdf(document), name=f"{publication.slug}.pdf")


class PublicationFactory(factory.django.DjangoModelFactory):
    """A published carnet with a real two-page PDF (cover and previews are rendered from it).

    Files go to MEDIA_ROOT: point it at a temporary directory in tests (see tests/publications/conftest.py).
    """

    class Meta:
        model = "publications.Publication"

    title = factory.Sequence(lambda n: f"Carnet de test {n}")
    slug = factory.Sequence(lambda n: f"carnet-de-test-{n}")
    collection = "carnets"
    kind = "carnet"
    published_on = factory.LazyFunction(lambda: _date(2024, 1, 1))
    published_on_precision = "year"
    summary = "Un carnet qui raconte une coopération entre acteurs d'un territoire."
    pdf_file = factory.LazyAttribute(_summary_pdf_file)
