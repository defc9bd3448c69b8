from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from helle.core import markup
from helle.identity.models import HouseRules, Member, TrustSettings, nickname_key

_RULES_VERSION_KEY = "identity:current-rules-version"


def current_house_rules() -> HouseRules | None:
    return HouseRules.objects.prefetch_related("texts").order_by("-version").first()


def current_rules_version() -> int:
    """The newest house-rules version; cached briefly because every page asks."""
    version = cache.get(_RULES_VERSION_KEY)
    if version is None:
        rules = HouseRules.objects.order_by("-version").values_list("version", flat=True).first()
        version = rules or 0
        cache.set(_RULES_VERSION_KEY, version, timeout=60)
    return version


def forget_current_rules_version() -> None:
    cache.delete(_RULES_VERSION_KEY)


def house_rules_html(rules: HouseRules | None, language: str | None = None):
    """The rules in the reader's language (or Danish, or any), rendered and sanitised."""
    if rules is None:
        return ""
    texts = {t.language: t.body for t in rules.texts.all()}
    body = texts.get(language or get_language() or "da") or texts.get("da") or next(iter(texts.values()), "")
    return markup.render(body)


def house_rules_body(rules: HouseRules | None, language: str) -> str:
    if rules is None:
        return ""
    return next((t.body for t in rules.texts.all() if t.language == language), "")


def member_by_nickname(nickname: str) -> Member | None:
    return Member.objects.filter(nickname_key=nickname_key(nickname)).first()


def nickname_taken(nickname: str) -> bool:
    return Member.objects.filter(nickname_key=nickname_key(nickname)).exists()


def find_people(query: str, role: str = "") -> QuerySet[Member]:
    people = Member.objects.prefetch_related("groups").order_by("nickname")
    if query:
        people = people.filter(Q(nickname_key__contains=nickname_key(query)) | Q(nickname__icontains=query))
    if role:
        people = people.filter(groups__name=role)
    return people


def people() -> QuerySet[Member]:
    return Member.objects.prefetch_related("groups", "totpdevice_set")


def trust_settings() -> TrustSettings:
    return TrustSettings.current()


def has_confirmed_second_factor(member: Member) -> bool:
    return member.totpdevice_set.filter(confirmed=True).exists()


def unused_recovery_code_count(member: Member) -> int:
    return member.recovery_codes.filter(used_at__isnull=True).count()
