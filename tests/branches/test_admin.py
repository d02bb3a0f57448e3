import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches import demo
from branches.choices import OrganisationKind, Platform
from branches.models import FollowerCount, Organisation, OutreachVisit, SocialPage
from tests.branches.factories import SocialPageFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:branches_socialpage_changelist"


@pytest.fixture
def staff_client(client, regional_staff):
    client.force_login(regional_staff)
    return client


def test_the_admin_list_shows_the_reports_problems(staff_client):
    demo.load()
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert html.count("⚠") == 6
    response = staff_client.get(reverse(CHANGELIST) + "?problem=open")
    pages = list(response.context["cl"].result_list)
    assert {(p.organisation.slug, p.platform) for p in pages} == {
        ("temirtau", "instagram"), ("balkhash", "instagram"), ("osakarovka", "instagram"),
        ("saran", "facebook"), ("karkaraly", "facebook"), ("balkhash", "facebook"),
    }


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ("post_not_profile", {"temirtau"}),
        ("share_link", {"saran", "karkaraly"}),
        ("personal_profile", {"balkhash"}),
        ("shared_account", {"balkhash", "osakarovka"}),
    ],
)
def test_the_problem_filter_narrows_to_one_problem(staff_client, problem, expected):
    demo.load()
    response = staff_client.get(reverse(CHANGELIST) + f"?problem={problem}")
    assert {p.organisation.slug for p in response.context["cl"].result_list} == expected


def test_mark_resolved_takes_pages_out_of_the_open_problems(staff_client, regional_staff):
    demo.load()
    temirtau = SocialPage.objects.get(organisation__slug="temirtau", platform=Platform.INSTAGRAM)
    staff_client.post(reverse(CHANGELIST), {"action": "mark_resolved", "_selected_action": [temirtau.pk]})
    temirtau.refresh_from_db()
    assert temirtau.problems_resolved_by == regional_staff
    open_pages = staff_client.get(reverse(CHANGELIST) + "?problem=open").context["cl"].result_list
    assert temirtau not in open_pages
    resolved = staff_client.get(reverse(CHANGELIST) + "?problem=resolved").context["cl"].result_list
    assert list(resolved) == [temirtau]


def test_the_admin_form_saves_through_the_normaliser(staff_client, branch_a):
    response = staff_client.post(
        reverse("admin:branches_socialpage_add"),
        {
            "organisation": branch_a.pk,
            "platform": "instagram",
            "url": " https://www.instagram.com/p/C_NFCIZOIdW/?igsh=em5yMXllZXJtbTEw ",
            "is_official": "on",
            "notes": "",
            "follower_counts-TOTAL_FORMS": "0",
            "follower_counts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = SocialPage.objects.get()
    assert page.url == "https://www.instagram.com/p/C_NFCIZOIdW/"
    assert page.original_url == "https://www.instagram.com/p/C_NFCIZOIdW/?igsh=em5yMXllZXJtbTEw"
    assert page.flag_post_not_profile


def test_the_admin_form_refuses_a_link_of_another_platform_with_a_message(staff_client, branch_a):
    response = staff_client.post(
        reverse("admin:branches_socialpage_add"),
        {"organisation": branch_a.pk, "platform": "instagram", "url": "https://www.facebook.com/x",
         "follower_counts-TOTAL_FORMS": "0", "follower_counts-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "www.facebook.com" in response.content.decode()
    assert not SocialPage.objects.exists()


def _page_form(page, url):
    return {
        "organisation": page.organisation_id, "platform": page.platform, "url": url, "notes": "",
        "follower_counts-TOTAL_FORMS": "0", "follower_counts-INITIAL_FORMS": "0",
    }


def test_correcting_a_shared_link_in_the_admin_clears_the_flag_on_the_other_branchs_page(staff_client, branch_a, branch_b):
    from branches.services import social_page_save

    first = social_page_save(organisation=branch_a, url="https://www.instagram.com/1301asem")
    second = social_page_save(organisation=branch_b, url="https://www.instagram.com/1301asem")
    first.refresh_from_db()
    assert first.flag_shared_account
    response = staff_client.post(
        reverse("admin:branches_socialpage_change", args=[second.pk]),
        _page_form(second, "https://www.instagram.com/osakarovka_profsoyuz?igsh=x"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db(), second.refresh_from_db()
    assert second.url == "https://www.instagram.com/osakarovka_profsoyuz/"
    assert second.original_url == "https://www.instagram.com/osakarovka_profsoyuz?igsh=x"
    assert not first.flag_shared_account and not second.flag_shared_account


def test_changing_a_page_into_another_page_of_the_branch_is_refused_on_the_form(staff_client, branch_a):
    SocialPageFactory(organisation=branch_a, handle="abaiprofs", url="https://www.instagram.com/abaiprofs/")
    other = SocialPageFactory(organisation=branch_a, handle="other_page", url="https://www.instagram.com/other_page/")
    response = staff_client.post(
        reverse("admin:branches_socialpage_change", args=[other.pk]), _page_form(other, "instagram.com/AbaiProfs")
    )
    assert response.status_code == 200
    assert "https://www.instagram.com/abaiprofs/" in response.content.decode()
    other.refresh_from_db()
    assert other.url == "https://www.instagram.com/other_page/"


def test_the_page_change_view_shows_the_follower_chart_and_table(staff_client, branch_a):
    page = SocialPageFactory(organisation=branch_a)
    FollowerCount.objects.bulk_create(
        [FollowerCount(social_page=page, date=datetime.date(2024, 1, 5) + datetime.timedelta(weeks=i), count=2000 + i * 20) for i in range(10)]
    )
    html = staff_client.get(reverse("admin:branches_socialpage_change", args=[page.pk])).content.decode()
    assert 'class="follower-chart"' in html
    assert "2180" in html


def _bulk(n, regional):
    start = Organisation.objects.count()
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind=OrganisationKind.BRANCH, parent=regional, name_ru=f"Ф{i}", slug=f"b-{start + i}") for i in range(n)]
    )
    pages = SocialPage.objects.bulk_create(
        [SocialPage(organisation=o, platform=Platform.INSTAGRAM, url=f"https://www.instagram.com/b{o.pk}/", handle=f"b{o.pk}",
                    flag_shared_account=o.pk % 2 == 0) for o in orgs]
    )
    FollowerCount.objects.bulk_create([FollowerCount(social_page=p, date=datetime.date(2024, 1, 1), count=1) for p in pages])
    OutreachVisit.objects.bulk_create(
        [OutreachVisit(branch=o, visited_organisation=o, date=datetime.date(2024, 2, 1), visitors="А") for o in orgs]
    )


@pytest.mark.parametrize("model", ["socialpage", "followercount", "outreachvisit", "organisation"])
def test_admin_lists_keep_a_constant_number_of_queries(staff_client, regional_org, model, django_assert_num_queries):
    url = reverse(f"admin:branches_{model}_changelist")
    _bulk(10, regional_org)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    _bulk(990, regional_org)
    with django_assert_num_queries(len(small.captured_queries)):
        response = staff_client.get(url)
    assert response.status_code == 200


def test_the_admin_form_refuses_a_duplicate_page_with_a_message(staff_client, branch_a):
    SocialPageFactory(organisation=branch_a, handle="abaiprofs", url="https://www.instagram.com/abaiprofs/")
    response = staff_client.post(
        reverse("admin:branches_socialpage_add"),
        {"organisation": branch_a.pk, "platform": "instagram", "url": "instagram.com/AbaiProfs?igsh=YW50",
         "follower_counts-TOTAL_FORMS": "0", "follower_counts-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "https://www.instagram.com/abaiprofs/" in response.content.decode()
    assert SocialPage.objects.count() == 1


def test_the_visit_filter_offers_only_the_editors_branches(client, editor_a, branch_a, branch_b):
    from tests.branches.factories import OutreachVisitFactory

    OutreachVisitFactory(branch=branch_a)
    OutreachVisitFactory(branch=branch_b)
    client.force_login(editor_a)
    response = client.get(reverse("admin:branches_outreachvisit_changelist"))
    assert response.status_code == 200
    assert branch_a.name_ru in response.content.decode()
    assert branch_b.name_ru not in response.content.decode()


@pytest.mark.django_db
def test_a_branch_editor_cannot_move_or_rekind_their_organisation(editor_a, branch_a, branch_b):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(editor_a)
    url = reverse("admin:branches_organisation_change", args=[branch_a.pk])
    form = client.get(url).context["adminform"].form
    assert "parent" not in form.fields and "kind" not in form.fields
    client.post(url, {
        "kind": "regional", "parent": branch_b.pk, "name_ru": "Новое имя", "name_kk": branch_a.name_kk,
        "slug": "hijacked", "position": 99, "chair_name": "Кашенова М.",
        "social_pages-TOTAL_FORMS": 0, "social_pages-INITIAL_FORMS": 0,
    })
    branch_a.refresh_from_db()
    assert branch_a.kind == "branch" and branch_a.parent_id != branch_b.pk and branch_a.slug == "branch-a"
    assert branch_a.chair_name == "Кашенова М."


def test_a_visit_without_a_place_is_refused_with_a_message_unless_online(staff_client, branch_a):
    add = reverse("admin:branches_outreachvisit_add")
    data = {"campaign": "Как живешь, первичка?", "date": "2024-03-01", "branch": branch_a.pk, "visitors": "Аппарат"}
    response = staff_client.post(add, data)
    assert response.status_code == 200
    assert "Укажите, где прошёл визит" in response.content.decode()
    assert not OutreachVisit.objects.exists()
    response = staff_client.post(add, {**data, "is_online": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OutreachVisit.objects.get().is_online
