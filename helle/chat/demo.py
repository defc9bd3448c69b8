"""Demo chat for `manage.py seed_demo`: a young person waiting in the queue, a chat going on with
the demo counsellor, and two group chats (one open now, one tonight), so every chat page has
something to show."""

from datetime import timedelta

from helle.chat import policies, services
from helle.chat.models import Conversation, Room
from helle.core import clock
from helle.core.roles import Role

WAITING = "Hej. Jeg kan ikke sove, fordi jeg tænker på alt det, der skete i skolen i dag."
TALKING = [
    (policies.VISITOR, "Hej, er der nogen? Min bedste veninde vil ikke snakke med mig mere."),
    (policies.COUNSELLOR, "Hej, godt du skriver. Det lyder rigtig svært. Hvad skete der?"),
    (policies.VISITOR, "Vi blev uvenner over en gruppechat, og nu svarer hun ikke."),
]


def seed_chat(accounts: dict) -> str:
    if Conversation.objects.exists():
        return "chat: already there"
    counsellor, peer = accounts.get(Role.COUNSELLOR), accounts.get(Role.PEER_ADVISER)
    supervisor = accounts.get(Role.SUPERVISOR)
    if None in (counsellor, peer, supervisor):
        return "chat: no demo counsellor, peer adviser or supervisor"
    services.set_availability(counsellor=counsellor, availability="available", capacity=3)
    talking = services.join_queue(visitor_key="demo-talking", age_band="13-15", topic="friends", mood=2)
    services.take(counsellor=counsellor, conversation=talking)
    for number, (role, body) in enumerate(TALKING):
        member = counsellor if role == policies.COUNSELLOR else None
        services.post_message(
            sender=policies.Participant(member, role),
            conversation=talking,
            client_msg_id=f"demo{number}",
            body=body,
        )
    services.join_queue(
        visitor_key="demo-waiting", age_band="16-17", topic="school", mood=3, first_message=WAITING
    )
    now = clock.now()
    services.create_room(
        actor=supervisor,
        title="Ensomhed – snak med andre, der kender det",
        description="Vi snakker om at føle sig alene, og om små ting, der kan hjælpe.",
        host=peer,
        opens_at=now - timedelta(minutes=30),
        closes_at=now + timedelta(hours=3),
    )
    services.create_room(
        actor=supervisor,
        title="Eksamensangst",
        description="Til dig, der bliver nervøs før prøver. Tilmeld dig, så holder vi en plads til dig.",
        host=counsellor,
        opens_at=now + timedelta(hours=6),
        closes_at=now + timedelta(hours=7),
        sign_up_required=True,
        age_band="16-17",
    )
    return f"chat: 1 chat going on, 1 waiting, {Room.objects.count()} group chats"
