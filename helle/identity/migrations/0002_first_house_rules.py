from django.db import migrations

RULES_DA = """## Sådan passer vi på hinanden

1. **Vær anonym.** Skriv aldrig dit rigtige navn, din adresse, din skole, dit telefonnummer eller dine profiler på andre apps. Heller ikke andres.
2. **Vær venlig.** Skriv til andre, som du selv gerne vil have, at de skriver til dig. Ingen mobning, trusler eller hadefulde ord.
3. **Alle er velkomne.** Uanset køn, seksualitet, hudfarve, religion, krop eller baggrund.
4. **Ingen kontakt uden for siden.** Bed ikke om billeder, om at skrive på en anden app eller om at mødes. Hvis nogen beder dig om det, så sig det til os.
5. **Del med omtanke.** Du må altid fortælle, hvordan du har det. Men beskriv ikke, hvordan man skader sig selv.
6. **Ingen reklamer og ingen spam.**
7. **Er du i fare, så ring 112.** Har du det rigtig svært, så tryk på "Brug for hjælp nu?" øverst.
8. **Moderatorerne passer på siden.** De kan skjule indlæg, der bryder reglerne. Du får altid at vide hvorfor, og du kan klage over beslutningen.
"""

RULES_EN = """## How we look after each other

1. **Stay anonymous.** Never write your real name, address, school, phone number or profiles on other apps. Nor anyone else's.
2. **Be kind.** Write to others the way you want them to write to you. No bullying, threats or hateful words.
3. **Everyone is welcome.** Whatever their gender, sexuality, skin colour, religion, body or background.
4. **No contact outside the site.** Don't ask for pictures, to chat on another app or to meet. If someone asks you, tell us.
5. **Share with care.** You can always say how you feel. But don't describe how to hurt yourself.
6. **No adverts and no spam.**
7. **If you are in danger, call 112.** If things are really hard, press "Need help now?" at the top.
8. **Moderators look after the site.** They can hide posts that break the rules. You are always told why, and you can appeal the decision.
"""


def seed(apps, schema_editor):
    HouseRules = apps.get_model("identity", "HouseRules")
    HouseRulesText = apps.get_model("identity", "HouseRulesText")
    if HouseRules.objects.exists():
        return
    rules = HouseRules.objects.create(version=1, change_summary="")
    HouseRulesText.objects.create(rules=rules, language="da", body=RULES_DA)
    HouseRulesText.objects.create(rules=rules, language="en", body=RULES_EN)


def unseed(apps, schema_editor):
    apps.get_model("identity", "HouseRules").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
