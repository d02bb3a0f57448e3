"""The branch page's subscribe block, its QR code and the printable poster."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_branch_page_shows_the_deep_link_and_the_qr_code(client, fake_telegram, branch_a):
    page = client.get(f"/branches/{branch_a.slug}/").content.decode()
    assert "https://t.me/test_union_bot?start=branch-a" in page
    assert f"/telegram/branch/{branch_a.slug}/qr.svg" in page
    qr = client.get(f"/telegram/branch/{branch_a.slug}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<?xml") and b"<svg" in qr.content


def test_the_poster_speaks_kazakh_and_russian(client, fake_telegram, branch_a):
    page = client.get(f"/telegram/branch/{branch_a.slug}/poster/").content.decode()
    assert "Филиал А" in page
    assert "https://t.me/test_union_bot?start=branch-a" in page
    assert "Кәсіподақ жаңалықтары" in page and "Новости профсоюза" in page


def test_without_a_bot_the_branch_page_has_no_subscribe_block(client, branch_a, settings):
    settings.TELEGRAM_BOT_USERNAME = ""
    page = client.get(f"/branches/{branch_a.slug}/").content.decode()
    assert "t.me/" not in page
    assert client.get(f"/telegram/branch/{branch_a.slug}/qr.svg").status_code == 404


def test_a_primary_organisation_has_no_code_of_its_own(client, fake_telegram, branch_a):
    from branches.choices import OrganisationKind
    from tests.branches.factories import OrganisationFactory

    school = OrganisationFactory(slug="school-5", kind=OrganisationKind.PRIMARY, parent=branch_a)
    assert client.get(f"/telegram/branch/{school.slug}/qr.svg").status_code == 404
