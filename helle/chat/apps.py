from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "helle.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self):
        from helle.chat import services
        from helle.safety import reviewables
        from helle.safety.policy import Surface

        reviewables.register(
            reviewables.Reviewable(
                target_type="chat.message",
                excerpt=lambda message: message.body,
                author=lambda message: message.sender,
                hide=services.hold_reviewed,
                restore=services.release_reviewed,
                surface=Surface.CHAT,
            )
        )
