"""Seed the help lines shown on the "need help now" page. Admins keep them up to date.

Numbers are the services' own published numbers; opening hours change, so several
entries point to the service's website instead of stating hours.
"""

from django.db import migrations

LINES = [
    # country, name, phone, website, emergency, {language: (description, hours)}
    ("DK", "Alarm 112", "112", "", True, {
        "da": ("Ring 112, hvis du eller en anden er i fare lige nu.", "Døgnet rundt"),
        "en": ("Call 112 if you or someone else is in danger right now.", "Day and night"),
    }),
    ("DK", "Livslinien", "70 201 201", "https://www.livslinien.dk/", False, {
        "da": ("Anonym rådgivning, hvis du tænker på selvmord – eller er bekymret for en anden.",
               "Se åbningstider på hjemmesiden"),
        "en": ("Anonymous counselling if you think about suicide – or worry about someone else.",
               "See opening hours on the website"),
    }),
    ("DK", "Børnetelefonen", "116 111", "https://bornsvilkar.dk/", False, {
        "da": ("Gratis og anonym rådgivning for børn og unge. Du kan ringe eller chatte.",
               "Se åbningstider på hjemmesiden"),
        "en": ("Free, anonymous counselling for children and young people. Call or chat.",
               "See opening hours on the website"),
    }),
    ("DK", "Lev Uden Vold", "1888", "https://www.levudenvold.dk/", False, {
        "da": ("Hjælp, hvis der er vold i din familie eller i dit forhold.", "Døgnet rundt"),
        "en": ("Help if there is violence in your family or your relationship.", "Day and night"),
    }),
    ("NO", "Nødnummer 113", "113", "", True, {
        "da": ("Medicinsk nødhjælp i Norge.", "Døgnet rundt"),
        "en": ("Medical emergencies in Norway.", "Day and night"),
    }),
    ("NO", "Alarmtelefonen for barn og unge", "116 111", "https://www.116111.no/", False, {
        "da": ("For børn og unge i Norge, der bliver udsat for vold, overgreb eller omsorgssvigt.", ""),
        "en": ("For children and young people in Norway facing violence, abuse or neglect.", ""),
    }),
    ("NO", "Mental Helse Hjelpetelefonen", "116 123", "https://mentalhelse.no/", False, {
        "da": ("Nogen at tale med, når livet er svært.", ""),
        "en": ("Someone to talk to when life is hard.", ""),
    }),
    ("SE", "SOS Alarm 112", "112", "", True, {
        "da": ("Nødnummeret i Sverige.", "Døgnet rundt"),
        "en": ("The emergency number in Sweden.", "Day and night"),
    }),
    ("SE", "BRIS", "116 111", "https://www.bris.se/", False, {
        "da": ("For børn og unge i Sverige. Ring, chat eller skriv.", ""),
        "en": ("For children and young people in Sweden. Call, chat or write.", ""),
    }),
    ("SE", "Självmordslinjen (Mind)", "90101", "https://mind.se/", False, {
        "da": ("For dig, der tænker på selvmord.", ""),
        "en": ("For people who think about suicide.", ""),
    }),
    ("DE", "Notruf 112", "112", "", True, {
        "da": ("Nødnummeret i Tyskland.", "Døgnet rundt"),
        "en": ("The emergency number in Germany.", "Day and night"),
    }),
    ("DE", "Nummer gegen Kummer", "116 111", "https://www.nummergegenkummer.de/", False, {
        "da": ("Børne- og ungetelefonen i Tyskland.", ""),
        "en": ("The children's and young people's helpline in Germany.", ""),
    }),
    ("DE", "TelefonSeelsorge", "0800 111 0 111", "https://www.telefonseelsorge.de/", False, {
        "da": ("Anonym samtale døgnet rundt.", "Døgnet rundt"),
        "en": ("Anonymous conversations, day and night.", "Day and night"),
    }),
    ("GB", "Emergency 999", "999", "", True, {
        "da": ("Nødnummeret i Storbritannien.", "Døgnet rundt"),
        "en": ("The emergency number in the UK.", "Day and night"),
    }),
    ("GB", "Childline", "0800 1111", "https://www.childline.org.uk/", False, {
        "da": ("For børn og unge under 19 i Storbritannien.", ""),
        "en": ("For children and young people under 19 in the UK.", ""),
    }),
    ("GB", "Samaritans", "116 123", "https://www.samaritans.org/", False, {
        "da": ("Nogen at tale med, når som helst.", "Døgnet rundt"),
        "en": ("Someone to talk to, any time.", "Day and night"),
    }),
]


def seed(apps, schema_editor):
    HelpLine = apps.get_model("core", "HelpLine")
    HelpLineText = apps.get_model("core", "HelpLineText")
    for position, (country, name, phone, website, emergency, texts) in enumerate(LINES):
        line = HelpLine.objects.create(
            country=country, name=name, phone=phone, website=website,
            is_emergency=emergency, position=position,
        )
        for language, (description, hours) in texts.items():
            HelpLineText.objects.create(help_line=line, language=language,
                                        description=description, hours=hours)


def unseed(apps, schema_editor):
    apps.get_model("core", "HelpLine").objects.filter(name__in=[line[1] for line in LINES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
