from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from helle.core.roles import Role
from helle.identity import services

# What each role may do in the staff area, as Django permissions on the role's group.
# Later apps add theirs (moderation, answering letters, chat, reports).
_MODERATION = ["safety.moderate", "safety.give_sanctions", "safety.view_watchedword"]
_SAFETY_SETTINGS = [
    "safety.add_watchedword",
    "safety.change_watchedword",
    "safety.delete_watchedword",
    "safety.change_policyrule",
]
# The letter box: counsellors answer; supervisors answer, review answers and publications and
# read the figures; editors write the anonymised versions. Peer advisers answer only where the
# organisation allows it (HELLE_LETTER_PEERS_ANSWER), and a supervisor reviews them.
_LETTERS_SUPERVISION = [
    "letters.answer",
    "letters.review",
    "letters.review_peer_answers",
    "letters.view_statistics",
    "letters.change_topic",
]
ROLE_PERMISSIONS = {
    Role.PEER_ADVISER: ["safety.moderate_as_peer", "letters.answer_as_peer", "chat.host_room"],
    Role.COUNSELLOR: ["safety.moderate", "letters.answer", "chat.counsel", "chat.host_room"],
    Role.SUPERVISOR: [
        *_MODERATION,
        *_SAFETY_SETTINGS,
        "forum.manage_forum",
        *_LETTERS_SUPERVISION,
        "chat.observe",
        "chat.counsel",
        "chat.host_room",
        "chat.manage_rooms",
    ],
    Role.EDITOR: ["letters.publish"],
    Role.RESEARCHER: ["letters.view_statistics"],
    Role.ADMIN: [
        "core.read_audit_log",
        "core.change_helpline",
        "core.change_openinghours",
        "identity.manage_people",
        "identity.change_trustsettings",
        "identity.add_houserules",
        "forum.manage_forum",
        "letters.view_statistics",
        "letters.change_topic",
        "chat.manage_rooms",
        *_MODERATION,
        *_SAFETY_SETTINGS,
    ],
}


@receiver(user_logged_in)
def remember_login(sender, request, user, **kwargs):
    services.start_session(request=request, member=user)


def ensure_role_groups(sender, **kwargs):
    """Make sure every role has its group and permissions (runs after each migrate)."""
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role in Role:
        group, _ = Group.objects.get_or_create(name=str(role))
        group.permissions.set([by_name[name] for name in ROLE_PERMISSIONS.get(role, []) if name in by_name])
