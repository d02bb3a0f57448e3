"""The rubrics the report names and the usual topics, so a fresh install can log posts at once."""

from django.db import migrations

RUBRICS = [
    ("chelovek-truda", "Человек труда", "Рубрика к знаменательным датам о людях труда."),
    ("enbegimen-elengen-nazik-zhandar", "Еңбегімен еленген нәзік жандар", "Еңбегімен еленген әйелдер туралы айдар."),
]

TOPICS = [
    ("labour-rights", "Защита трудовых прав", "Еңбек құқықтарын қорғау"),
    ("labour-safety", "Охрана и безопасность труда", "Еңбекті қорғау және қауіпсіздігі"),
    ("wages", "Заработная плата", "Жалақы"),
    ("social-support", "Социальная поддержка", "Әлеуметтік қолдау"),
    ("collective-agreements", "Коллективные договоры", "Ұжымдық шарттар"),
    ("young-teachers", "Молодые педагоги", "Жас педагогтар"),
    ("health-and-leisure", "Оздоровление и отдых", "Сауықтыру және демалыс"),
    ("union-life", "Жизнь профсоюза", "Кәсіподақ өмірі"),
]


def seed(apps, schema_editor):
    Rubric = apps.get_model("publications", "Rubric")
    Topic = apps.get_model("publications", "Topic")
    for position, (slug, name, description) in enumerate(RUBRICS, start=1):
        Rubric.objects.get_or_create(slug=slug, defaults={"name": name, "description": description, "position": position})
    for position, (slug, name_ru, name_kk) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(slug=slug, defaults={"name_ru": name_ru, "name_kk": name_kk, "position": position})


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
