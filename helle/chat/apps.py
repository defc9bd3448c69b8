from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "helle.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self):
        from django.urls import reverse

        from helle.chat import gdpr, policies, services
        from helle.chat.demo import seed_chat
        from helle.core import demo
        from helle.identity import gdpr as data_protection
        from helle.safety import reviewables
        from helle.safety.policy import Surface

        # A chat is private counselling, like a letter: the review queue keeps only what the
        # pipeline found, and only the chat's counsellor and supervisors see the item; they read
        # the message in its place. Hiding a message holds it back from the other side.
        reviewables.register(
            reviewables.Reviewable(
                target_type="chat.message",
                excerpt=lambda message: message.body,
                author=lambda message: message.sender,
                hide=services.hold_reviewed,
                restore=services.release_reviewed,
                surface=Surface.CHAT,
                link=lambda message: reverse("chat:observe", args=[message.conversation_id]),
                may_read=policies.may_read_message,
                may_report=policies.may_report_message,
            )
        )
        data_protection.register(data_protection.DataSection("chat", gdpr.export, gdpr.erase))
        demo.register(seed_chat)
