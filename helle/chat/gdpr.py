"""The chat's part of a member's data export and erasure.

A member's chats (as the young person) are private and go with the account, with their
messages and the staff notes about them. Chats a member held as a counsellor stay: they are
the young person's, and the organisation keeps them for the period it set
(settings.CHAT_KEEP_DAYS); the counsellor's name goes from them with the account.
"""

from helle.chat.models import Conversation, Message


def export(member) -> dict:
    conversations = Conversation.objects.filter(visitor=member).order_by("created_at")
    return {
        "chats": [
            {
                "started": conversation.created_at.isoformat(),
                "ended": conversation.ended_at.isoformat() if conversation.ended_at else None,
                "topic": conversation.topic,
                "how_you_felt": conversation.mood,
                "did_it_help": conversation.helped,
                "your_feedback": conversation.feedback,
                "messages": [
                    {
                        "from": "you" if message.from_visitor else "counsellor",
                        "at": message.created_at.isoformat(),
                        "text": message.body
                        if message.from_visitor
                        else (message.shown_body or message.body),
                    }
                    for message in Message.objects.filter(conversation=conversation).order_by("seq")
                ],
            }
            for conversation in conversations
        ]
    }


def erase(member, keep_public: bool) -> None:
    # Nothing in a chat is public, so `keep_public` changes nothing here.
    Conversation.objects.filter(visitor=member).delete()
