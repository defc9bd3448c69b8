"""Demo forum for `manage.py seed_demo`: categories for every age, a few conversations, a
discussion prompt by the peer adviser, one question still waiting for an answer."""

from datetime import timedelta

from helle.core import clock
from helle.core.roles import Role
from helle.forum import services
from helle.forum.models import Category, ModerationMode
from helle.identity.models import AgeBand

CATEGORIES = [
    (
        "Venner og familie",
        "Når det driller med venner, kærester eller derhjemme.",
        [],
        ModerationMode.PRE_NEW,
    ),
    (
        "Skole og fremtid",
        "Lektier, eksamen, uddannelse og alt det, der skal ske bagefter.",
        [],
        ModerationMode.POST,
    ),
    (
        "Kun for 13-17 år",
        "Et sted kun for jer, der er mellem 13 og 17.",
        [AgeBand.AGE_13_15, AgeBand.AGE_16_17],
        ModerationMode.PRE_NEW,
    ),
    (
        "Svære tanker",
        "Når livet er tungt. Her læser en voksen med på alt, før det bliver vist.",
        [],
        ModerationMode.PRE_ALL,
    ),
]

CONVERSATIONS = [
    (
        "Venner og familie",
        "Min bedste veninde er flyttet",
        "Hun er flyttet til Aarhus, og vi ses næsten aldrig mere. "
        "Vi skriver stadig, men det er ikke det samme. Er der nogen, der har prøvet det? "
        "Hvordan holder man fast i et venskab på afstand?",
        [
            "Ja, det har jeg prøvet. Vi aftalte at ringe hver søndag, og det hjalp faktisk meget.",
            "Måske kan I finde på noget, I kan lave sammen online, "
            "fx se den samme serie og snakke om den bagefter.",
        ],
    ),
    (
        "Skole og fremtid",
        "Gymnasiet eller efterskole?",
        "Jeg går i 9. klasse og skal vælge snart. Mine forældre siger efterskole, "
        "men jeg ved ikke, om jeg tør være væk hjemmefra et helt år. Hvad valgte I, og fortryder I det?",
        [
            "Jeg tog på efterskole og var også nervøs. "
            "De første uger var hårde, men så blev det mit bedste år."
        ],
    ),
]


def seed_forum(accounts: dict) -> str:
    if Category.objects.exists():
        return "forum: already there"
    admin = accounts.get(Role.ADMIN)
    categories = {}
    for position, (name, description, bands, mode) in enumerate(CATEGORIES):
        category = services.create_category(
            actor=admin, name=name, description=description, age_bands=bands, moderation_mode=mode
        )
        category.position = position
        category.save(update_fields=["position"])
        categories[name] = category
    member, peer = accounts.get(Role.MEMBER), accounts.get(Role.PEER_ADVISER)
    if peer is not None:
        for category in categories.values():
            category.peer_advisers.add(peer)
    posters = [p for p in (member, peer) if p is not None]
    if not posters:
        return f"forum: {len(categories)} categories"
    for name, title, body, replies in CONVERSATIONS:
        opening = services.start_thread(
            author=admin or posters[0], category=categories[name], title=title, body=body
        )
        for number, reply in enumerate(replies):
            services.post_reply(author=posters[number % len(posters)], thread=opening.thread, body=reply)
    if peer is not None:
        services.start_thread(
            author=peer,
            category=categories["Venner og familie"],
            title="Ugens spørgsmål: Hvad gør du, når du er ked af det?",
            body="Nogle går en tur, andre hører musik eller snakker med en ven. "
            "Hvad hjælper dig? Del gerne dine gode råd.",
            prompt=True,
            featured=True,
        )
    waiting = services.start_thread(
        author=admin or posters[0],
        category=categories["Skole og fremtid"],
        title="Hvordan får man styr på lektierne?",
        body="Jeg kommer hele tiden bagud og ved ikke, hvor jeg skal starte. Har nogen et godt system?",
    )
    waiting.thread.publish_at = clock.now() - timedelta(hours=8)
    waiting.thread.save(update_fields=["publish_at"])
    return f"forum: {len(categories)} categories, {len(CONVERSATIONS) + 2} conversations"
