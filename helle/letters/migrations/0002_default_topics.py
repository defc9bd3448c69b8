"""The topics a new installation starts with (in Danish, the first language; staff can rename them)."""

from django.db import migrations

TOPICS = [
    ("venner", "Venner og fællesskab", "Venskaber, at føle sig alene, at passe ind"),
    ("familie", "Familie", "Forældre, søskende, skilsmisse, hjemme"),
    ("kaerlighed-og-sex", "Kærlighed og sex", "Kærester, forelskelse, første gang, grænser"),
    ("krop", "Krop og sundhed", "Kroppen, mad, søvn, pubertet"),
    ("skole", "Skole og fremtid", "Lektier, eksamen, uddannelse, job"),
    ("mobning", "Mobning og konflikter", "Når andre gør dig ondt, på nettet eller i virkeligheden"),
    ("tanker-og-foelelser", "Tanker og følelser", "Angst, tristhed, vrede, at have det svært"),
    ("andet", "Noget andet", "Alt det, der ikke passer ind et andet sted"),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("letters", "Topic")
    for position, (slug, name, description) in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "description": description, "position": position})


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
