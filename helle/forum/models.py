"""The forum ("debat"): categories, threads, posts, support reactions, drafts, follows.

Texts are stored as written. What other members see depends on a post's state (held posts
are seen only by their author and moderators) and, for a crisis post with contact details,
on `shown_body` (the same text with the details masked).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helle.core import clock
from helle.identity.models import AgeBand


class ModerationMode(models.TextChoices):
    PRE_ALL = "pre_all", _("A moderator approves every post first")
    PRE_NEW = "pre_new", _("A moderator approves posts from new members first")
    POST = "post", _("Posts are shown at once and moderated afterwards")


class ContentWarning(models.TextChoices):
    SELF_HARM = "self_harm", _("self-harm or suicide")
    EATING = "eating", _("eating disorders")
    ABUSE = "abuse", _("abuse or violence")
    SEXUAL = "sexual", _("sexual assault")
    DRUGS = "drugs", _("alcohol or drugs")
    GRIEF = "grief", _("death and grief")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    # Empty: every age group may read and write here.
    age_bands = models.JSONField(_("age groups"), default=list, blank=True)
    moderation_mode = models.CharField(
        _("moderation"), max_length=8, choices=ModerationMode.choices, default=ModerationMode.PRE_NEW
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    peer_advisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="forum_categories_moderated"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        permissions = [("manage_forum", "Can manage forum categories and discussion prompts")]

    def __str__(self) -> str:
        return self.name

    def is_open_to(self, age_band: str) -> bool:
        return not self.age_bands or age_band in self.age_bands

    def age_bands_display(self) -> list[str]:
        labels = dict(AgeBand.choices)
        return [str(labels.get(band, band)) for band in self.age_bands]


class Thread(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("Waiting for a moderator")
        HIDDEN = "hidden", _("Hidden by a moderator")
        DELETED = "deleted", _("Deleted by its author")

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=140)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.VISIBLE)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    # A discussion prompt by a peer adviser may wait until its time; it is then pinned/featured.
    publish_at = models.DateTimeField(default=clock.now, db_index=True)
    last_post_at = models.DateTimeField(default=clock.now, db_index=True)
    reply_count = models.PositiveIntegerField(default=0)  # visible replies
    first_reply_at = models.DateTimeField(null=True, blank=True)  # by someone else than the asker
    is_prompt = models.BooleanField(_("discussion prompt"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_featured = models.BooleanField(_("on the front page"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    helpful_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["category", "state", "-is_pinned", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("Waiting for a moderator")
        HIDDEN = "hidden", _("Hidden by a moderator")
        DELETED = "deleted", _("Deleted by its author")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("text"))  # as written; moderators see this
    shown_body = models.TextField(blank=True)  # what others see when details were masked ("" = body)
    # Both rendered once, when written: Markdown and sanitising cost milliseconds a post.
    html = models.TextField(blank=True)
    shown_html = models.TextField(blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.VISIBLE, db_index=True)
    is_opening = models.BooleanField(default=False)
    by_peer_adviser = models.BooleanField(default=False)  # the badge, as it was when written
    content_warning = models.CharField(
        _("content warning"), max_length=12, choices=ContentWarning.choices, blank=True
    )
    crisis = models.BooleanField(default=False)  # the pipeline read it as a crisis
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "state", "created_at"])]

    def __str__(self) -> str:
        return f"post {self.pk} in thread {self.thread_id}"

    @property
    def public_body(self) -> str:
        return self.shown_body or self.body

    @property
    def public_html(self) -> str:
        return self.shown_html or self.html


class PostRevision(models.Model):
    """An earlier wording of an edited post, for moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of post {self.post_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HUG = "hug", _("Hug")
        SAME = "same", _("I know that feeling")
        THANKS = "thanks", _("Thank you for sharing")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member", "kind"], name="one_reaction_of_a_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on post {self.post_id}"


class Draft(models.Model):
    """What a member is writing, saved as they type: `key` names the place ("thread:3")."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=140, blank=True)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="one_draft_per_place")]

    def __str__(self) -> str:
        return f"draft {self.key}"


class Follow(models.Model):
    """A member follows a thread: new replies show up in their notifications."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "member"], name="one_follow")]

    def __str__(self) -> str:
        return f"follow of thread {self.thread_id}"


class Bookmark(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="one_bookmark")]

    def __str__(self) -> str:
        return f"bookmark of post {self.post_id}"


class ReadMarker(models.Model):
    """How far a member has read a thread: posts after `read_at` are new to them."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "member"], name="one_read_marker")]

    def __str__(self) -> str:
        return f"read marker in thread {self.thread_id}"


class Notification(models.Model):
    """An in-site notification (no e-mail by default)."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("A new reply in a conversation you follow")
        HELPFUL = "helpful", _("Your reply helped someone")
        APPROVED = "approved", _("Your post is now shown")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} in thread {self.thread_id}"
