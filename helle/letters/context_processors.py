from functools import cache

from helle.core.roles import holds_a_role
from helle.letters import policies, selectors


def letters(request):
    """The letter box in the menu: new answers for a writer, the answering pages for those who
    answer. Worked out only when a page draws the menu."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}

    @cache
    def unread() -> int:
        return selectors.unread_answers_cached(user)

    @cache
    def may_answer() -> bool:
        # Permissions come with roles: a plain member needs no permission query.
        return holds_a_role(user) and policies.may_use_answer_pages(user)

    return {"letters_unread": unread, "may_answer_letters": may_answer}
