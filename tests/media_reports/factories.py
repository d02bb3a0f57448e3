import datetime

import factory

from media_reports.choices import AppearanceKind, OutletKind, OutletLevel
from media_reports.models import MediaAppearance, NewspaperSubscription, Outlet, Programme, Speaker
from tests.branches.factories import OrganisationFactory


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Газета №{n}")
    kind = OutletKind.NEWSPAPER
    level = OutletLevel.REGIONAL


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    outlet = factory.SubFactory(OutletFactory, kind=OutletKind.TV_CHANNEL)
    name = factory.Sequence(lambda n: f"Программа {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Спикерова {n}.")
    role = "Председатель"
    organisation = factory.SubFactory(OrganisationFactory)


class MediaAppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaAppearance
        skip_postgeneration_save = True

    date = datetime.date(2023, 5, 10)
    outlet = factory.SubFactory(OutletFactory)
    kind = AppearanceKind.ARTICLE
    title = factory.Sequence(lambda n: f"Статья о профсоюзе №{n}")
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def speakers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.speakers.set(extracted)


class NewspaperSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewspaperSubscription

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2024
    outlet = factory.SubFactory(OutletFactory)
    copies = 5
