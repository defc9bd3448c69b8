"""Demo content for moderation: a few reports in the review queue, so that a newcomer who logs
in as a counsellor or supervisor sees what the queue looks like. Written by us; the people in
it are made up."""

from django.conf import settings
from django.db import transaction

from helle.core.roles import Role
from helle.identity import selectors as identity_selectors
from helle.identity import services as identity_services
from helle.identity.models import AgeBand
from helle.safety import services
from helle.safety.models import Report, ReviewItem

# (reporter, reported member, age band of the reported, category, what the reporter wrote)
REPORTS = [
    (
        "Maanestraale",
        "Hyggeonkel",
        AgeBand.OVER_25,
        Report.Category.GROOMING,
        "Han skriver til mange af os og spørger hele tiden om billeder og vil have os over på snap.",
    ),
    (
        "Maanestraale",
        "Demo Medlem",
        None,
        Report.Category.SELF_HARM,
        "Hun skrev i går at hun ikke vil være her mere. Kan I skrive til hende?",
    ),
    (
        "Demo Medlem",
        "Stikpille",
        AgeBand.AGE_16_17,
        Report.Category.HARASSMENT,
        "Kalder folk grimme ting i alle tråde.",
    ),
]


def seed_review_queue(accounts: dict) -> str:
    if ReviewItem.objects.exists():
        return ""
    with transaction.atomic():
        for reporter_name, reported_name, age_band, category, note in REPORTS:
            reporter = _member(reporter_name, AgeBand.AGE_13_15)
            reported = accounts.get(Role.MEMBER) if age_band is None else _member(reported_name, age_band)
            services.report(reporter=reporter, target=reported, category=category, note=note)
    return f"Review queue: {len(REPORTS)} reports to look at (log in as Demo Raadgiver or Demo Supervisor)."


def _member(nickname: str, age_band: str):
    member = identity_selectors.member_by_nickname(nickname)
    if member is None:
        member, _codes = identity_services.sign_up(
            nickname=nickname,
            password=None,
            age_band=age_band,
            language=settings.LANGUAGE_CODE,
            rules_version=identity_selectors.current_rules_version(),
        )
    return member
