import factory

from branches.choices import OrganisationKind, Platform
from branches.models import Organisation, SocialPage


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    kind = OrganisationKind.BRANCH
    parent = factory.LazyFunction(
        lambda: Organisation.objects.get_or_create(
            slug="regional", defaults={"kind": OrganisationKind.REGIONAL, "name_ru": "Областная организация"}
        )[0]
    )
    name_ru = factory.Sequence(lambda n: f"Филиал №{n}")
    name_kk = factory.Sequence(lambda n: f"№{n} филиал")
    slug = factory.Sequence(lambda n: f"branch-{n}")
    position = factory.Sequence(lambda n: n + 1)


class RegionalOrganisationFactory(OrganisationFactory):
    kind = OrganisationKind.REGIONAL
    parent = None
    name_ru = "Карагандинская областная организация профсоюза"
    name_kk = "Кәсіподақтың Қарағанды облыстық ұйымы"
    slug = "regional"
    position = 0


class PrimaryOrganisationFactory(OrganisationFactory):
    kind = OrganisationKind.PRIMARY
    parent = factory.SubFactory(OrganisationFactory)
    name_ru = factory.Sequence(lambda n: f"Школа-гимназия №{n}")
    slug = factory.Sequence(lambda n: f"school-{n}")


class SocialPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialPage

    organisation = factory.SubFactory(OrganisationFactory)
    platform = Platform.INSTAGRAM
    handle = factory.Sequence(lambda n: f"profsoyuz_branch_{n}")
    url = factory.LazyAttribute(lambda p: f"https://www.instagram.com/{p.handle}/")
