"""The example files of docs/examples/ import as the documentation says, with Russian names."""

from pathlib import Path

import pytest

from branches import demo as branches_demo
from branches.imports import RegistryImporter
from branches.models import Organisation, SocialPage
from media_reports.choices import OutletKind, OutletLevel
from media_reports.models import MediaAppearance, NewspaperSubscription
from publications.models import Publication
from tests.media_reports.factories import OutletFactory, ProgrammeFactory, SpeakerFactory
from tests.spreadsheet_import import import_now
from unionportal import spreadsheets as sp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeded():
    from tests.publications.factories import seed_rubrics_and_topics

    seed_rubrics_and_topics()
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _run(importer, name):
    return sp.run_import(importer, (EXAMPLES / name).read_bytes(), commit=True)


def test_the_appendix_as_written_then_a_year_of_publications_by_russian_names(regional_org):
    counts = import_now(RegistryImporter(), (EXAMPLES / "registry-appendix-1.csv").read_bytes())
    assert counts["organisations_created"] == 12 and SocialPage.objects.count() == 26
    from publications.imports import PublicationImporter

    report = _run(PublicationImporter(), "publications-2024.csv")
    assert report.ok, report.error_lines()[:5]
    assert report.counts == {"created": 103}
    assert Publication.objects.filter(organisation__name_ru="Темиртауский городской профсоюз").exists()
    assert not Publication.objects.filter(url__contains="mibextid").exists()


def test_a_year_of_publications_names_the_demo_registry_too():
    branches_demo.load()
    from publications.imports import PublicationImporter

    report = _run(PublicationImporter(), "publications-2024.csv")
    assert report.ok, report.error_lines()[:5]
    assert Publication.objects.filter(organisation__slug="kazybek-bi").exists()


def _outlets(regional_org, branch_abai, branch_shet):
    fprk = OutletFactory(name="YouTube-канал ФПРК", kind=OutletKind.YOUTUBE_CHANNEL, level=OutletLevel.REPUBLICAN)
    tv1 = OutletFactory(name="1-Карагандинский", kind=OutletKind.TV_CHANNEL, level=OutletLevel.REGIONAL)
    new_tv = OutletFactory(name="Новое телевидение", kind=OutletKind.TV_CHANNEL, level=OutletLevel.REGIONAL)
    OutletFactory(name="Қазақстан кәсіподағы", level=OutletLevel.REPUBLICAN)
    OutletFactory(name="Білімді ел – Образованная страна", level=OutletLevel.REPUBLICAN)
    ProgrammeFactory(outlet=fprk, name="Приоритеты")
    ProgrammeFactory(outlet=tv1, name="Вадут")
    ProgrammeFactory(outlet=new_tv, name="Зеленая волна")
    SpeakerFactory(name="Ракишева А.", organisation=regional_org)
    SpeakerFactory(name="Кашенова М.", organisation=branch_abai)
    SpeakerFactory(name="Хамитова Э.", organisation=branch_shet)


def test_the_reports_media_table_and_the_subscriptions_import(regional_org):
    from media_reports.imports import AppearanceImporter, SubscriptionImporter
    from tests.branches.factories import OrganisationFactory

    abai = OrganisationFactory(slug="abai", name_ru="Абайский районный профсоюз", parent=regional_org)
    shet = OrganisationFactory(slug="shet", name_ru="Шетский районный профсоюз", parent=regional_org)
    _outlets(regional_org, abai, shet)
    report = _run(AppearanceImporter(), "media-appearances.csv")
    assert report.ok, report.error_lines()
    assert MediaAppearance.objects.count() == 4
    assert MediaAppearance.objects.get(programme__name="Вадут").link.startswith("https://youtu.be/q7xQNHFiueU")
    report = _run(SubscriptionImporter(), "newspaper-subscriptions.csv")
    assert report.ok, report.error_lines()
    assert NewspaperSubscription.objects.get(organisation=abai).copies == 4
    assert Organisation.objects.count() == 3


def test_a_branchs_appeals_register_as_a_russian_excel_saves_it(regional_org):
    from appeals.imports import AppealImporter
    from appeals.models import Appeal
    from tests.branches.factories import OrganisationFactory

    shet = OrganisationFactory(slug="shet", name_ru="Шетский районный профсоюз", parent=regional_org)
    OrganisationFactory(slug="abai", name_ru="Абайский районный профсоюз", parent=regional_org)
    report = _run(AppealImporter(), "appeals-register.csv")
    assert report.ok, report.error_lines()
    assert Appeal.objects.count() == 3
    assert Appeal.objects.filter(branch=shet).count() == 2
    assert Appeal.objects.get(phone="+77011234567").status == "closed"
    assert "\n" in Appeal.objects.get(language="kk").question  # a quoted cell with a line break is one row
