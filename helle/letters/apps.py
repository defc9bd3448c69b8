from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "helle.letters"
    label = "letters"
    verbose_name = _("Letter box")

    def ready(self):
        from django.urls import reverse

        from helle.core import demo
        from helle.identity import gdpr as data_protection
        from helle.letters import gdpr, policies
        from helle.letters.demo import seed_letters
        from helle.safety import reviewables
        from helle.safety.policy import Surface

        # A crisis or a flag on a letter lands in the review queue, but a letter is private: the
        # queue keeps only what the pipeline found, only those who may read the letter see the
        # item (supervisors, the counsellor holding it), and it is never hidden from its writer.
        reviewables.register(
            reviewables.Reviewable(
                target_type="letters.letter",
                excerpt=lambda letter: letter.body,
                author=lambda letter: letter.writer,
                hide=lambda letter: None,
                restore=lambda letter: None,
                surface=Surface.LETTER,
                link=lambda letter: reverse("letters:staff_letter", args=[letter.pk]),
                hideable=False,
                may_read=policies.can_read_letter,
            )
        )
        data_protection.register(data_protection.DataSection("letters", gdpr.export, gdpr.erase))
        demo.register(seed_letters)
