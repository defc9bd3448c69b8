"""Demo letter box for `manage.py seed_demo`: answered letters in the public archive, one answer
waiting for review and one letter waiting in the queue, so every page has something to show."""

from helle.core.roles import Role
from helle.letters import services
from helle.letters.models import Letter, Topic

PUBLISHED = [
    (
        "skole",
        "Ondt i maven før hver prøve",
        "Hver gang vi skal have en prøve, får jeg ondt i maven dagen før og kan ikke sove. "
        "Jeg kan godt stoffet, men når jeg sidder der, bliver mit hoved helt tomt. Hvad kan jeg gøre?",
        "Tak fordi du skriver. Det, du beskriver, kalder mange for præstationsangst, og du er langt fra "
        "den eneste. Kroppen gør sig klar til noget, den tror er farligt. Prøv at øve dig i at trække "
        "vejret langsomt: ind i fire sekunder, hold i fire, ud i seks. Gør det også, når du ikke er "
        "nervøs, så kroppen kender det. Og fortæl gerne en lærer, du stoler på, hvordan det føles – "
        "mange skoler kan give ekstra tid eller et roligt lokale.",
    ),
    (
        "venner",
        "Mine venner inviterer mig ikke med mere",
        "Min vennegruppe har en ny gruppechat, som jeg ikke er med i. De laver ting i weekenden uden mig. "
        "Jeg tør ikke spørge, hvorfor. Skal jeg bare finde nogle nye venner?",
        "Det gør ondt at blive holdt udenfor, og det er modigt, at du skriver om det. Nogle gange "
        "sker det uden en ond mening – en ny chat bliver lavet i et frikvarter, og så glemmer man at "
        "tilføje nogen. Måske kan du spørge den ene af dem, du er tættest på, når I er alene. Du kan "
        "sige, at du har lagt mærke til det, og at du gerne vil være med. Det er også fint at kigge "
        "efter fællesskaber andre steder, fx en fritidsaktivitet, uden at give slip på dem, du har.",
    ),
]
IN_REVIEW = (
    "familie",
    "Mine forældre skændes hver aften, og jeg kan høre det hele fra mit værelse. Jeg bliver bange "
    "for, at de skal skilles. Hvad skal jeg gøre?",
    "Hvor er det svært at ligge og lytte til. Det er ikke din opgave at løse dine forældres "
    "skænderier, og det er ikke din skyld ...",
)
WAITING = (
    "krop",
    "Jeg er 14 og har ikke fået mens endnu, selvom alle mine veninder har. Er der noget galt med mig?",
)


def seed_letters(accounts: dict) -> str:
    if Letter.objects.exists():
        return "letters: already there"
    writer = accounts.get(Role.MEMBER)
    counsellor, supervisor = accounts.get(Role.COUNSELLOR), accounts.get(Role.SUPERVISOR)
    editor = accounts.get(Role.EDITOR)
    if None in (writer, counsellor, supervisor):
        return "letters: no demo accounts to write and answer"
    topics = {t.slug: t for t in Topic.objects.all()}
    for slug, title, question, answer in PUBLISHED:
        letter = services.send_letter(writer=writer, topic=topics[slug], body=question, may_publish=True)
        services.claim(counsellor=counsellor, letter=letter)
        services.submit_answer(counsellor=counsellor, letter=letter, body=answer)
        letter.refresh_from_db()
        services.review_answer(reviewer=supervisor, answer=letter.answer, approve=True)
        if editor is not None:
            letter.refresh_from_db()
            publication = services.save_publication(
                editor=editor, letter=letter, title=title, question=question, answer=answer, submit=True
            )
            services.review_publication(reviewer=supervisor, publication=publication, approve=True)
    slug, question, draft = IN_REVIEW
    letter = services.send_letter(writer=writer, topic=topics[slug], body=question)
    services.claim(counsellor=counsellor, letter=letter)
    services.submit_answer(counsellor=counsellor, letter=letter, body=draft)
    slug, question = WAITING
    services.send_letter(writer=writer, topic=topics[slug], body=question)
    return f"letters: {len(PUBLISHED)} answered and published, 1 answer in review, 1 letter waiting"
