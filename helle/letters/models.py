"""The letter box ("brevkasse"): letters, their answers, the second pair of eyes, and the
anonymised versions that are published so others can learn from them.

A letter is private: its writer, the counsellor who holds it and supervisors read it. What the
public archive shows is a `Publication`, a separate text an editor wrote from the letter and
its answer with every detail that could point to the writer changed or removed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helle.core import clock


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Letter(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for a counsellor")
        ANSWERING = "answering", _("A counsellor is writing an answer")
        IN_REVIEW = "in_review", _("The answer is being read by a second counsellor")
        ANSWERED = "answered", _("Answered")

    writer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="letters")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="letters")
    age_band = models.CharField(max_length=8, blank=True)  # the writer's, when they wrote
    body = models.TextField(_("your letter"))
    # The one follow-up a writer may send to an answered letter is a letter of its own.
    follow_up_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_up"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    crisis = models.BooleanField(default=False)  # the pipeline read it as a crisis: first in the queue
    severity = models.PositiveSmallIntegerField(default=0)  # the pipeline's, 0 = nothing found
    may_publish = models.BooleanField(default=False)  # the writer's consent to an anonymised version
    consent_changed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # when the approved answer reached the writer
    answer_read_at = models.DateTimeField(null=True, blank=True)
    # "Did this help?" – kept for the impact figures; None until the writer says.
    helped = models.BooleanField(null=True, blank=True)
    helped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-crisis", "-severity", "created_at"])]
        permissions = [
            ("answer", "Can answer letters"),
            ("answer_as_peer", "Can answer letters as a peer adviser, where the organisation allows it"),
            ("review", "Can review answers and publications"),
            ("review_peer_answers", "Can review peer advisers' answers"),
            ("publish", "Can write anonymised versions of letters for publication"),
            ("view_statistics", "Can see the letter box figures"),
        ]

    def __str__(self) -> str:
        return f"letter {self.pk}"

    @property
    def is_follow_up(self) -> bool:
        return self.follow_up_to_id is not None


class Answer(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        RETURNED = "returned", _("Returned with comments")
        APPROVED = "approved", _("Approved and sent")

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="answer")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_peer = models.BooleanField(default=False)  # written by a peer adviser: a certified peer may review
    body = models.TextField(_("answer"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"answer to letter {self.letter_id}"


class Review(models.Model):
    """One reading by the second pair of eyes: approved (perhaps edited) or returned."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        EDITED = "edited", _("Approved with changes")
        RETURNED = "returned", _("Returned with comments")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    body_before = models.TextField()  # as submitted
    body_after = models.TextField()  # as approved (the same unless edited)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.outcome} review of answer {self.answer_id}"


class Snippet(models.Model):
    """A saved passage an answerer can start from. Without an owner it is shared by everyone."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Draft(models.Model):
    """What a member is writing, saved as they type: `key` is "new" or "follow-up:<letter>"."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="one_letter_draft_per_place")]

    def __str__(self) -> str:
        return f"letter draft {self.key}"


class Publication(models.Model):
    """The anonymised letter and answer that the public archive shows."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Being anonymised")
        IN_REVIEW = "in_review", _("Waiting for approval")
        PUBLISHED = "published", _("Published")
        REMOVED = "removed", _("Removed")

    # Cleared if the writer's account is erased: the anonymised text then stands on its own.
    letter = models.OneToOneField(
        Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="publication"
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="publications")
    title = models.CharField(_("headline"), max_length=140)
    question = models.TextField(_("the letter, anonymised"))
    answer = models.TextField(_("the answer, anonymised"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title
