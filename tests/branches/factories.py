import datetime

import factory

from branches.choices import OrganisationKind, Platform
from branches.models import FollowerCount, Organisation, OutreachVisit, SocialPage


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


class FollowerCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowerCount

    social_page = factory.SubFactory(SocialPageFactory)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=7 * n))
    count = factory.Sequence(lambda n: 1000 + 10 * n)


class OutreachVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachVisit

    branch = factory.SubFactory(OrganisationFactory)
    date = datetime.date(2024, 3, 14)
    place = "Школа-гимназия №1"
    visitors = "Ракишева А."
