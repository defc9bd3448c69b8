"""The letter box's part of a member's data export and erasure.

Letters are private, so they always go with the account (and with them their answers,
reviews and drafts). An anonymised publication made from a letter holds nothing that points
to the writer; it stays when the member keeps their public contributions, and is taken down
when they do not.
"""

from helle.letters.models import Draft, Letter, Publication


def export(member) -> dict:
    letters = Letter.objects.filter(writer=member).select_related("topic").order_by("created_at")
    return {
        "letters": [
            {
                "topic": letter.topic.name,
                "written": letter.created_at.isoformat(),
                "text": letter.body,
                "follow_up_to": letter.follow_up_to_id,
                "answer": _delivered(letter),
                "answered": letter.answered_at.isoformat() if letter.answered_at else None,
                "did_it_help": letter.helped,
                "may_be_published_anonymised": letter.may_publish,
            }
            for letter in letters
        ],
        "drafts": [{"place": d.key, "text": d.body} for d in Draft.objects.filter(member=member)],
    }


def _delivered(letter: Letter) -> str | None:
    answer = getattr(letter, "answer", None) if letter.state == Letter.State.ANSWERED else None
    return answer.body if answer is not None else None


def erase(member, keep_public: bool) -> None:
    if not keep_public:
        Publication.objects.filter(letter__writer=member).update(state=Publication.State.REMOVED)
    Letter.objects.filter(writer=member, follow_up_to__isnull=False).delete()
    Letter.objects.filter(writer=member).delete()
    Draft.objects.filter(member=member).delete()
