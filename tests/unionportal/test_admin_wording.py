"""Russian admin titles and messages agree in case and gender: Django builds them from the
nominative («Добавить публикация», «рубрика … был успешно добавлен»)."""

import re

import pytest


def _h1(html):
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/admin/publications/publication/add/", "Добавить публикацию"),
        ("/admin/publications/publication/", "Выберите публикацию для изменения"),
        ("/admin/branches/organisation/", "Выберите организацию для изменения"),
        ("/admin/appeals/appeal/add/", "Добавить обращение"),
        ("/admin/publications/rubric/add/", "Добавить рубрику"),
    ],
)
def test_admin_titles_put_the_model_name_in_the_accusative(admin_client, path, heading):
    html = admin_client.get(path).content.decode()
    assert _h1(html) == heading
    assert f"<title>{heading} |" in html


def test_a_saved_record_is_announced_without_a_wrong_gender(admin_client):
    response = admin_client.post(
        "/admin/publications/rubric/add/",
        {"name": "Учитель года", "name_kk": "Жыл мұғалімі", "slug": "uchitel-goda", "description": "", "position": 1, "is_active": "on"},
        follow=True,
    )
    html = response.content.decode()
    assert "Добавлено: рубрика" in html
    assert "был успешно добавлен" not in html


def test_a_neuter_name_reads_as_django_wrote_it(admin_client):
    # «обращение» has the same form in both cases, so it needs no catalog entry.
    html = admin_client.get("/admin/appeals/appeal/").content.decode()
    assert _h1(html) == "Выберите обращение для изменения"
