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

    insee_code = factory.Sequence(lambda n: f"59{n:03d}")
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
