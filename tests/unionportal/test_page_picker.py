"""The social page picker names the organisation, not «Facebook: 100041669981308»."""

from branches.choices import Platform
from tests.branches.factories import OrganisationFactory, SocialPageFactory


def test_the_publication_admin_picker_names_each_page_by_its_organisation(admin_client, django_assert_max_num_queries):
    shet = OrganisationFactory(slug="shet", name_ru="Шетский районный профсоюз", name_kk="Шет аудандық кәсіподағы")
    SocialPageFactory(
        organisation=shet, platform=Platform.FACEBOOK, handle="61564216835782",
        url="https://www.facebook.com/profile.php?id=61564216835782",
    )
    SocialPageFactory(organisation=shet, platform=Platform.INSTAGRAM, handle="shet_profsoiuz")
    SocialPageFactory.create_batch(8)
    html = admin_client.get("/admin/publications/publication/add/").content.decode()
    assert ">Шетский районный профсоюз · Facebook</option>" in html
    assert ">Шетский районный профсоюз · Instagram @shet_profsoiuz</option>" in html
    assert "Facebook: 61564216835782" not in html
    # Ten pages or two: the picker costs the same number of queries.
    with django_assert_max_num_queries(40) as ten:
        admin_client.get("/admin/publications/publication/add/")
    SocialPageFactory.create_batch(10)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        admin_client.get("/admin/publications/publication/add/")


def test_a_member_is_told_that_a_flagged_link_is_being_checked(client, db):
    shet = OrganisationFactory(slug="shet", name_ru="Шетский районный профсоюз")
    SocialPageFactory(organisation=shet, handle="shet_profsoiuz")
    SocialPageFactory(
        organisation=shet, platform=Platform.FACEBOOK, handle="100089999999999",
        url="https://www.facebook.com/profile.php?id=100089999999999", flag_personal_profile=True,
    )
    for path in ("/branches/", "/branches/shet/"):
        html = client.get(path).content.decode()
        assert html.count("эта ссылка проверяется") == 1, path
    assert "сілтеме тексерілуде" in client.get("/kk/branches/shet/").content.decode()
