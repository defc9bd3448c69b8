from django.db import models
from django.utils.translation import gettext_lazy as _

from helle.core import clock


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit row."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


class AuditEntry(models.Model):
    """Who did what to what, and why. Rows are written once and never changed.

    The actor is kept as a plain id, not a foreign key: the log must outlive an erased
    account, and it never holds a nickname or other personal data in `data`.
    """

    created_at = models.DateTimeField(_("when"), default=clock.now, db_index=True)
    actor_id = models.PositiveBigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_role = models.CharField(_("acting as"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("read_audit_log", "Can read and filter the audit log")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")


class HelpLine(models.Model):
    """A crisis or support line shown on the "need help now" page. Admins keep them."""

    country = models.CharField(_("country code"), max_length=2, help_text=_("ISO code, e.g. DK"))
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sms = models.CharField(_("text message"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_emergency = models.BooleanField(
        _("emergency number"),
        default=False,
        help_text=_("Shown first, for when someone is in danger right now."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        ordering = ["country", "-is_emergency", "position", "name"]
        verbose_name = _("help line")
        verbose_name_plural = _("help lines")

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class HelpLineText(models.Model):
    """The words about a help line in one language."""

    help_line = models.ForeignKey(HelpLine, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8)
    description = models.TextField(_("description"))
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["help_line", "language"], name="one_text_per_language")
        ]
        verbose_name = _("help line text")
        verbose_name_plural = _("help line texts")

    def __str__(self) -> str:
        return f"{self.help_line.name} [{self.language}]"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """When counsellors and peer advisers are on duty, week by week, in the site's time zone
    (TIME_ZONE). Two rows on one day make a split day. With no rows at all, every hour counts
    as open. Closing at 00:00 means at midnight."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class ClosedDay(models.Model):
    """A day the opening hours do not apply (a holiday): closed all day."""

    date = models.DateField(_("date"), unique=True)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")

    def __str__(self) -> str:
        return f"{self.date} {self.note}".strip()
