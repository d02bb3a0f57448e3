"""A staff member opens the review queue filled by the social intake (the demo's recorded
Instagram answers) and accepts a post with one click; it becomes a publication."""

from playwright.sync_api import expect

from accounts.roles import Role
from branches import demo as branches_demo
from publications import intake_demo
from publications.models import IncomingPost, Publication
from tests.accounts.factories import UserFactory
from tests.publications.factories import seed_rubrics_and_topics


def test_staff_accept_a_post_that_came_in_by_itself(page, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_rubrics_and_topics()
    branches_demo.load()
    intake_demo.load()
    staff = UserFactory(
        username="staff", role=Role.REGIONAL_STAFF, role__organisation=IncomingPost.objects.first().social_page.organisation
    )
    login(staff)

    page.goto("/admin/publications/incomingpost/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(4)
    row = rows.filter(has_text="Учитель физики из Темиртау")
    expect(row).to_contain_text("Человек труда")  # the suggested rubric, from #ЧеловекТруда
    row.get_by_role("button", name="Принять").click()

    expect(page.locator(".messagelist")).to_contain_text("Внесено в журнал публикаций")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    publication = Publication.objects.get()
    assert publication.url == "https://www.instagram.com/p/DEMO0003/"
    assert publication.rubric.name == "Человек труда"
