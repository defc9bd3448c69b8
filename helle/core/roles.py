"""The roles people hold in helle. Each role is a Django group of the same name."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    MEMBER = "member"
    PEER_ADVISER = "peer_adviser"
    COUNSELLOR = "counsellor"
    SUPERVISOR = "supervisor"
    EDITOR = "editor"
    RESEARCHER = "researcher"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.MEMBER: _("Member"),
    Role.PEER_ADVISER: _("Peer adviser"),
    Role.COUNSELLOR: _("Counsellor"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.EDITOR: _("Editor"),
    Role.RESEARCHER: _("Researcher"),
    Role.ADMIN: _("Admin"),
}

# Staff roles see other people's private words, so they must use two-factor log-in.
STAFF_ROLES = frozenset({Role.COUNSELLOR, Role.SUPERVISOR, Role.EDITOR, Role.RESEARCHER, Role.ADMIN})
# Roles an admin hands out (everybody is a member already).
ASSIGNABLE_ROLES = [r for r in Role if r is not Role.MEMBER]


def roles_of(user) -> frozenset[Role]:
    """The roles of a user, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_helle_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset({Role.MEMBER} | {Role(n) for n in names if n in Role._value2member_map_})
        user._helle_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def holds_a_role(user) -> bool:
    """Whether the user has a role beyond member. Permissions come with roles (each role is a
    group holding them), so for a plain member a policy can answer without permission queries."""
    return bool(roles_of(user) - {Role.MEMBER})


def is_staff(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)
