from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helle.core import clock
from helle.safety.findings import Label
from helle.safety.policy import Action, Surface

LABEL_CHOICES = [(label.value, label.value.replace("_", " ")) for label in Label]
ACTION_CHOICES = [(action.value, action.value) for action in Action]


class WatchedWord(models.Model):
    """A word or pattern moderators add on top of the built-in lists (as Discourse has)."""

    class MatchType(models.TextChoices):
        WORD = "word", _("Word or phrase")
        WILDCARD = "wildcard", _("Wildcard (* for any ending)")
        REGEX = "regex", _("Regular expression")

    class WordAction(models.TextChoices):
        REFUSE = "refuse", _("Refuse (the writer is asked to change it)")
        MASK = "mask", _("Mask the word for others")
        HOLD = "hold", _("Hold for a moderator")
        FLAG = "flag", _("Allow, but flag for review")

    pattern = models.CharField(_("word or pattern"), max_length=200)
    match_type = models.CharField(
        _("match"), max_length=10, choices=MatchType.choices, default=MatchType.WORD
    )
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("Empty: every language.")
    )
    label = models.CharField(_("counts as"), max_length=32, choices=LABEL_CHOICES, default=Label.HARASSMENT)
    action = models.CharField(_("action"), max_length=10, choices=WordAction.choices, default=WordAction.FLAG)
    surfaces = models.JSONField(_("where"), default=list, blank=True, help_text=_("Empty: everywhere."))
    note = models.CharField(_("note for moderators"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["pattern"]
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")

    def __str__(self) -> str:
        return self.pattern


class PolicyRule(models.Model):
    """An admin's change to the default policy for one surface, label (and kind)."""

    surface = models.CharField(_("surface"), max_length=16, choices=Surface.choices)
    label = models.CharField(_("finding"), max_length=32, choices=LABEL_CHOICES)
    kind = models.CharField(_("kind"), max_length=32, blank=True, help_text=_("Empty: every kind."))
    max_trust_level = models.PositiveSmallIntegerField(
        _("for trust levels up to"), default=3, help_text=_("3: everyone.")
    )
    min_score = models.FloatField(_("minimum score"), default=0.0)
    action = models.CharField(_("action"), max_length=10, choices=ACTION_CHOICES)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["surface", "label", "kind", "max_trust_level"]
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")

    def __str__(self) -> str:
        return f"{self.surface}/{self.label}/{self.kind or '*'} ≤{self.max_trust_level}: {self.action}"


class ModelVersion(models.Model):
    """A trained safety classifier, with its evaluation kept beside it."""

    task = models.CharField(max_length=32, default="harassment")  # what it looks for
    version = models.CharField(max_length=80, unique=True)
    path = models.CharField(max_length=500)
    trained_at = models.DateTimeField(default=clock.now)
    training_size = models.PositiveIntegerField(default=0)
    evaluation = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return self.version


class TrainingExample(models.Model):
    """A labelled text from a moderator's decision; the next model learns from it."""

    text = models.TextField()
    label = models.CharField(max_length=32)
    source = models.CharField(max_length=32, default="review")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["label"])]

    def __str__(self) -> str:
        return f"{self.label}: {self.text[:40]}"


# --- Reports, the review queue, decisions, sanctions and appeals -----------------------------


class ReviewItem(models.Model):
    """One thing a moderator must look at: held or flagged content, a report, a crisis."""

    class Reason(models.TextChoices):
        CRISIS = "crisis", _("Crisis")
        GROOMING = "grooming", _("Grooming risk in a conversation")
        HELD = "held", _("Held for approval")
        FLAGGED = "flagged", _("Flagged automatically")
        REPORTED = "reported", _("Reported by members")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Being handled")
        DECIDED = "decided", _("Decided")

    target_type = models.CharField(max_length=64)  # "identity.member", "forum.post" ...
    target_id = models.CharField(max_length=64)
    surface = models.CharField(max_length=16, blank=True, choices=Surface.choices)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    severity = models.PositiveSmallIntegerField(default=1)
    report_weight = models.FloatField(default=0.0)
    excerpt = models.TextField(blank=True)  # the words as they were when flagged
    findings = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-severity", "created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        permissions = [
            ("moderate", "Can see the whole review queue and decide"),
            ("moderate_as_peer", "Can review low-risk items (peer advisers)"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.target_type}:{self.target_id}"

    SEVERITY_WORDS = {3: _("High"), 2: _("Medium"), 1: _("Low")}

    def severity_word(self) -> str:
        return str(self.SEVERITY_WORDS.get(self.severity, self.severity))

    def report_categories(self) -> list[str]:
        """What the reporters chose, each once, for the queue (reports are prefetched there)."""
        return list(dict.fromkeys(str(r.get_category_display()) for r in self.reports.all()))


class Report(models.Model):
    class Category(models.TextChoices):
        # The categories follow the EU Digital Services Act's statement-of-reasons taxonomy,
        # in words a young person understands.
        SELF_HARM = "self_harm", _("Someone may be in danger or hurting themselves")
        HARASSMENT = "harassment", _("Bullying, threats or hate")
        CONTACT = "contact", _("Contact details or personal information")
        GROOMING = "grooming", _("Someone is asking for pictures, secrets or to meet")
        SEXUAL = "sexual", _("Sexual content")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    note = models.TextField(blank=True)
    weight = models.FloatField(default=1.0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "reporter"], name="one_report_per_member_per_item")
        ]

    def __str__(self) -> str:
        return f"report {self.pk} ({self.category})"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Fine as it is: publish or keep it")
        HIDE = "hide", _("Hide it")
        ESCALATE = "escalate", _("Pass it to a supervisor")

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    house_rule = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    automated = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.outcome} on {self.item_id}"


class Sanction(models.Model):
    class Kind(models.TextChoices):
        WARN = "warn", _("Warning")
        HIDE_CONTENT = "hide_content", _("Content hidden")
        SILENCE = "silence", _("Silenced for a while")
        SUSPEND = "suspend", _("Suspended for a while")
        BAN = "ban", _("Banned")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    item = models.ForeignKey(ReviewItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    house_rule = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    automated = models.BooleanField(default=False)
    # What was hidden (kind HIDE_CONTENT), so an appeal that overturns it shows it again.
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    starts_at = models.DateTimeField(default=clock.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "kind", "ends_at"])]
        permissions = [("give_sanctions", "Can warn, silence, suspend and ban members")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member_id}"


class StatementOfReasons(models.Model):
    """What a member is told about a decision against them (EU Digital Services Act, art. 17)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="statements")
    sanction = models.OneToOneField(Sanction, on_delete=models.CASCADE, related_name="statement")
    decision_text = models.TextField()  # what was decided, in plain words
    content_excerpt = models.TextField(blank=True)
    house_rule = models.PositiveSmallIntegerField(null=True, blank=True)
    house_rule_text = models.TextField(blank=True)
    facts = models.TextField()  # why: the facts and circumstances
    automated_detection = models.BooleanField(default=False)
    automated_decision = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"statement {self.pk}"

    # What the member reads: worded again in the language they read it in. The fields above
    # keep what was sent, as the record.
    def decision(self) -> str:
        from helle.safety.wording import decision_text

        return decision_text(self.sanction.kind, self.sanction.ends_at)

    def house_rule_wording(self) -> str:
        from helle.safety.wording import house_rule_text

        return house_rule_text(self.house_rule) or self.house_rule_text


class Appeal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        UPHELD = "upheld", _("The decision stands")
        OVERTURNED = "overturned", _("The decision was reversed")

    statement = models.OneToOneField(StatementOfReasons, on_delete=models.CASCADE, related_name="appeal")
    text = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"appeal {self.pk} ({self.status})"
