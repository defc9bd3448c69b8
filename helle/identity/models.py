import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, PermissionsMixin
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from helle.core import clock
from helle.core.text import comparison_key

# Separators that do not make a nickname different ("anna_b" is "anna.b" is "annab").
NICKNAME_SEPARATORS = " _-."


def nickname_key(nickname: str) -> str:
    """The key under which two nicknames clash: case, look-alikes and separators ignored."""
    return comparison_key(nickname, drop=NICKNAME_SEPARATORS)


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class AgeBand(models.TextChoices):
    AGE_13_15 = "13-15", _("13–15 years")
    AGE_16_17 = "16-17", _("16–17 years")
    AGE_18_25 = "18-25", _("18–25 years")
    OVER_25 = "26+", _("over 25")


class TrustLevel(models.IntegerChoices):
    NEW = 0, _("new")
    BASIC = 1, _("basic")
    MEMBER = 2, _("member")
    REGULAR = 3, _("regular")


class MemberManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, nickname):
        return self.get(nickname_key=nickname_key(nickname))

    def create_user(self, nickname: str, password: str | None = None, **extra):
        member = self.model(nickname=nickname, nickname_key=nickname_key(nickname), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(self, nickname: str, password: str | None = None, **extra):
        extra.setdefault("age_band", AgeBand.OVER_25)
        extra.update(is_superuser=True)
        member = self.create_user(nickname, password, **extra)
        member.groups.add(Group.objects.get_or_create(name="admin")[0])
        return member


class Member(AbstractBaseUser, PermissionsMixin):
    """Everyone with an account: young members and staff alike. No e-mail, no real name."""

    nickname = models.CharField(_("nickname"), max_length=30, unique=True)
    nickname_key = models.CharField(max_length=120, unique=True, editable=False)
    age_band = models.CharField(_("age group"), max_length=8, choices=AgeBand.choices)
    language = models.CharField(_("language"), max_length=8, blank=True)
    trust_level = models.PositiveSmallIntegerField(
        _("trust level"), choices=TrustLevel.choices, default=TrustLevel.NEW
    )
    trust_level_locked = models.BooleanField(
        _("trust level set by hand"),
        default=False,
        help_text=_("When set, the trust level is not changed automatically."),
    )
    accepted_rules_version = models.PositiveIntegerField(default=0)
    days_visited = models.PositiveIntegerField(default=0)
    last_visit_on = models.DateField(null=True, blank=True)
    contributions = models.PositiveIntegerField(default=0)
    security_stamp = models.CharField(max_length=32, default=new_security_stamp, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=clock.now)

    objects = MemberManager()

    USERNAME_FIELD = "nickname"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        permissions = [
            ("manage_people", "Can give people roles, set trust levels and reset two-factor log-in")
        ]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.nickname

    def save(self, *args, **kwargs):
        self.nickname_key = nickname_key(self.nickname)
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        # The security stamp lets a member log out every other session without a new password.
        return salted_hmac(
            "helle.identity.Member.session",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class RecoveryCode(models.Model):
    """A one-time code that lets a member set a new password. Only a hash is kept."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=clock.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "used_at"])]

    def __str__(self) -> str:
        return f"recovery code {self.pk} ({'used' if self.used_at else 'unused'})"


class HouseRules(models.Model):
    """One published version of the house rules. A new version must be accepted again."""

    version = models.PositiveIntegerField(unique=True)
    published_at = models.DateTimeField(default=clock.now)
    change_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("house rules")
        verbose_name_plural = _("house rules")

    def __str__(self) -> str:
        return f"v{self.version}"


class HouseRulesText(models.Model):
    rules = models.ForeignKey(HouseRules, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rules", "language"], name="one_rules_text_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.rules} [{self.language}]"


class RulesAcceptance(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rules_acceptances")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"v{self.version} accepted {self.accepted_at:%Y-%m-%d}"


class TrustSettings(models.Model):
    """How members earn trust levels. One row; admins change it in the staff area."""

    level1_days = models.PositiveIntegerField(_("basic: days since joining"), default=1)
    level1_visits = models.PositiveIntegerField(_("basic: days visited"), default=2)
    level1_contributions = models.PositiveIntegerField(_("basic: contributions"), default=0)
    level2_days = models.PositiveIntegerField(_("member: days since joining"), default=14)
    level2_visits = models.PositiveIntegerField(_("member: days visited"), default=7)
    level2_contributions = models.PositiveIntegerField(_("member: contributions"), default=3)
    level3_days = models.PositiveIntegerField(_("regular: days since joining"), default=60)
    level3_visits = models.PositiveIntegerField(_("regular: days visited"), default=30)
    level3_contributions = models.PositiveIntegerField(_("regular: contributions"), default=20)

    class Meta:
        verbose_name = _("trust settings")
        verbose_name_plural = _("trust settings")

    def __str__(self) -> str:
        return "trust settings"

    @classmethod
    def current(cls) -> "TrustSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def thresholds(self) -> list[tuple[int, int, int, int]]:
        """(level, days, visits, contributions), lowest level first."""
        return [
            (
                level,
                getattr(self, f"level{level}_days"),
                getattr(self, f"level{level}_visits"),
                getattr(self, f"level{level}_contributions"),
            )
            for level in (1, 2, 3)
        ]
