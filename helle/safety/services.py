"""Every write of the safety app: flags, reports, review decisions, sanctions, appeals."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F

from helle.core import clock
from helle.core.events import STAFF_ALERTS_GROUP, send_to_group_on_commit, send_to_member_on_commit
from helle.core.services import record_audit
from helle.safety import pipeline, policies, reviewables, selectors, wording
from helle.safety.findings import Label, Severity
from helle.safety.models import (
    Appeal,
    Decision,
    PolicyRule,
    Report,
    ReviewItem,
    Sanction,
    StatementOfReasons,
    TrainingExample,
    WatchedWord,
)
from helle.safety.pipeline import Assessment
from helle.safety.policy import Action, Surface

CLAIM_MINUTES = 15
# Reports from members with more trust weigh more; many reports raise an item.
REPORT_WEIGHT_BY_TRUST = {0: 1.0, 1: 1.5, 2: 2.0, 3: 3.0}
RAISE_AT_WEIGHT = 4.0


class ClaimedByAnother(Exception):
    """Another moderator is handling this item right now."""


def _open_item(
    target, *, reason: str, severity: int, excerpt: str, findings: dict, author, surface: str = ""
) -> ReviewItem:
    """The open review item for this target, made if there is none; raised if more severe."""
    target_type = reviewables.type_of(target)
    if reviewables.is_private(target_type):
        excerpt = ""  # read in its place, by those allowed to (see Reviewable.may_read)
    item = (
        ReviewItem.objects.select_for_update()
        .filter(target_type=target_type, target_id=str(target.pk))
        .exclude(status=ReviewItem.Status.DECIDED)
        .first()
    )
    if item is None:
        return ReviewItem.objects.create(
            target_type=target_type,
            target_id=str(target.pk),
            reason=reason,
            severity=severity,
            excerpt=excerpt,
            findings=findings,
            author=author,
            surface=surface,
        )
    if severity > item.severity or reason == ReviewItem.Reason.CRISIS:
        item.severity, item.reason = max(severity, item.severity), reason
        item.save(update_fields=["severity", "reason"])
    return item


# --- From the pipeline ------------------------------------------------------------------------


def record(assessment: Assessment, *, target, author) -> ReviewItem | None:
    """File what the pipeline found about stored content. Call inside the storing transaction."""
    decision = assessment.decision
    if not (decision.review or decision.alert_staff):
        return None
    if assessment.is_crisis:
        reason = ReviewItem.Reason.CRISIS
    elif assessment.action is Action.HOLD:
        reason = ReviewItem.Reason.HELD
    else:
        reason = ReviewItem.Reason.FLAGGED
    with transaction.atomic():  # joins the storing service's transaction when there is one
        item = _open_item(
            target,
            reason=reason,
            severity=max(assessment.severity, Severity.LOW),
            excerpt=assessment.text,
            findings=assessment.as_record(),
            author=author,
            surface=assessment.surface,
        )
        record_audit(
            actor=None,
            action=f"safety.{reason}",
            target=item,
            data={"action": assessment.action.value, "labels": sorted(assessment.labels())},
        )
        if decision.alert_staff:
            send_to_group_on_commit(
                STAFF_ALERTS_GROUP,
                {
                    "type": "crisis.alert",
                    "item": item.pk,
                    "surface": assessment.surface,
                },
            )
    return item


def send_to_review(
    *, target, author, excerpt: str, surface: str, held: bool, actor=None, note: str = ""
) -> ReviewItem:
    """Content put before a moderator for a reason the pipeline did not give: a category where
    a moderator approves posts first (`held`), or a peer adviser who held or hid a post."""
    reason = ReviewItem.Reason.HELD if held else ReviewItem.Reason.FLAGGED
    with transaction.atomic():
        item = _open_item(
            target,
            reason=reason,
            severity=Severity.LOW,
            excerpt=excerpt,
            findings={"note": note} if note else {},
            author=author,
            surface=surface,
        )
        record_audit(actor=actor, action=f"safety.{reason}", target=item, reason=note)
    return item


def flag_conversation(*, target, risk, excerpt: str) -> ReviewItem:
    """A conversation whose grooming risk passed the threshold goes to a supervisor at once."""
    with transaction.atomic():
        item = _open_item(
            target,
            reason=ReviewItem.Reason.GROOMING,
            severity=Severity.HIGH,
            excerpt=excerpt,
            findings={
                "grooming": {
                    "score": round(risk.score, 3),
                    "reasons": list(risk.reasons),
                    "kinds": dict(risk.counts),
                }
            },
            author=None,
            surface=Surface.CHAT,
        )
        record_audit(
            actor=None,
            action="safety.grooming_flagged",
            target=item,
            data={"score": round(risk.score, 3), "kinds": sorted(risk.counts)},
        )
        send_to_group_on_commit(STAFF_ALERTS_GROUP, {"type": "grooming.alert", "item": item.pk})
    return item


# --- Reports ------------------------------------------------------------------------------------


def report(*, reporter, target, category: str, note: str = "") -> Report:
    """A member reports a post, a message, a letter or another member."""
    reviewable = reviewables.for_type(reviewables.type_of(target))
    weight = REPORT_WEIGHT_BY_TRUST.get(getattr(reporter, "trust_level", 0), 1.0)
    severity = Severity.HIGH if category == Report.Category.SELF_HARM else Severity.MEDIUM
    with transaction.atomic():
        item = _open_item(
            target,
            reason=ReviewItem.Reason.REPORTED,
            severity=severity,
            excerpt=reviewable.excerpt(target),
            findings={},
            author=reviewable.author(target),
            surface=reviewable.surface,
        )
        existing = Report.objects.filter(item=item, reporter=reporter).first()
        if existing is not None:
            return existing
        created = Report.objects.create(
            item=item, reporter=reporter, category=category, note=note, weight=weight
        )
        ReviewItem.objects.filter(pk=item.pk).update(report_weight=F("report_weight") + weight)
        item.refresh_from_db()
        if item.report_weight >= RAISE_AT_WEIGHT and item.severity < Severity.HIGH:
            item.severity = item.severity + 1
            item.save(update_fields=["severity"])
        record_audit(
            actor=reporter,
            action="safety.reported",
            target=item,
            reason=note,
            data={"category": category, "weight": weight},
        )
    return created


# --- The review queue -----------------------------------------------------------------------


def review_queue(user) -> list[ReviewItem]:
    """The open items this user may handle, in queue order (a read, joining selector and policy)."""
    return [item for item in selectors.open_review_items() if policies.can_review(user, item)]


def claim(*, moderator, item: ReviewItem) -> ReviewItem:
    policies.require_can_review(moderator, item)
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item.pk)
        expired = item.claimed_at and clock.now() - item.claimed_at > timedelta(minutes=CLAIM_MINUTES)
        if item.status == ReviewItem.Status.CLAIMED and item.claimed_by_id != moderator.pk and not expired:
            raise ClaimedByAnother
        item.status, item.claimed_by, item.claimed_at = ReviewItem.Status.CLAIMED, moderator, clock.now()
        item.save(update_fields=["status", "claimed_by", "claimed_at"])
        record_audit(actor=moderator, action="safety.claimed", target=item)
    return item


def _main_label(item: ReviewItem) -> str:
    labels = [f["label"] for f in item.findings.get("findings", [])]
    return labels[0] if labels else Label.HARASSMENT.value


def decide(
    *, moderator, item: ReviewItem, outcome: str, reason: str, house_rule: int | None = None
) -> Decision:
    """A moderator decides; the content is shown or hidden, and the next model learns from it."""
    policies.require_can_review(moderator, item)
    target = reviewables.load(item.target_type, item.target_id)
    reviewable = reviewables.for_type(item.target_type)
    if outcome == Decision.Outcome.HIDE and not reviewable.hideable:
        raise ValueError(f"{item.target_type} cannot be hidden")
    with transaction.atomic():
        decision = Decision.objects.create(
            item=item, moderator=moderator, outcome=outcome, reason=reason, house_rule=house_rule
        )
        if outcome == Decision.Outcome.ESCALATE:
            item.severity = max(item.severity, Severity.HIGH)
            item.status, item.claimed_by, item.claimed_at = ReviewItem.Status.OPEN, None, None
            item.save(update_fields=["severity", "status", "claimed_by", "claimed_at"])
        else:
            item.status, item.decided_at = ReviewItem.Status.DECIDED, clock.now()
            item.save(update_fields=["status", "decided_at"])
            if target is not None:
                (reviewable.hide if outcome == Decision.Outcome.HIDE else reviewable.restore)(target)
            # A member is "hidden" by a sanction, not here; content hidden is explained to its writer.
            hid_content = outcome == Decision.Outcome.HIDE and item.target_type != "identity.member"
            if target is not None and hid_content:
                tell_about_hidden_content(
                    moderator=moderator,
                    target=target,
                    author=item.author,
                    excerpt=item.excerpt,
                    reason=reason,
                    house_rule=house_rule,
                    item=item,
                )
            # Nicknames and reported members are not texts to learn offensive language from.
            if item.excerpt and item.surface not in ("", Surface.NICKNAME):
                TrainingExample.objects.create(
                    text=item.excerpt,
                    label=_main_label(item) if outcome == Decision.Outcome.HIDE else "none",
                )
        record_audit(
            actor=moderator,
            action=f"safety.decided_{outcome}",
            target=item,
            reason=reason,
            data={"house_rule": house_rule, "item_reason": item.reason},
        )
    return decision


# --- Sanctions, statements of reasons and appeals ----------------------------------------------


SANCTION_DEFAULT_DAYS = {Sanction.Kind.SILENCE: 3, Sanction.Kind.SUSPEND: 14}


def sanction(
    *,
    moderator,
    member,
    kind: str,
    reason: str,
    house_rule: int | None = None,
    item: ReviewItem | None = None,
    days: int | None = None,
    automated: bool = False,
) -> Sanction:
    """Sanction a member and send them a statement of reasons they can appeal."""
    policies.require_can_sanction(moderator, member)
    days = days if days is not None else SANCTION_DEFAULT_DAYS.get(kind)
    ends_at = clock.now() + timedelta(days=days) if days else None
    return _give(
        moderator=moderator,
        member=member,
        kind=kind,
        reason=reason,
        house_rule=house_rule,
        item=item,
        ends_at=ends_at,
        days=days,
        automated=automated,
        excerpt=item.excerpt if item else "",
    )


def tell_about_hidden_content(
    *, moderator, target, author, excerpt: str, reason: str, house_rule: int | None = None, item=None
) -> Sanction | None:
    """Something `author` wrote was hidden, from the review queue or by a moderator on the spot:
    they get a statement of reasons they can appeal (the EU Digital Services Act, art. 17, asks
    for one whenever content is removed or made invisible). The caller has checked that the
    moderator may hide it. An appeal that overturns it shows the content again."""
    if author is None:  # the writer's account is gone: nobody to tell
        return None
    return _give(
        moderator=moderator,
        member=author,
        kind=Sanction.Kind.HIDE_CONTENT,
        reason=reason,
        house_rule=house_rule,
        item=item,
        ends_at=None,
        automated=False,
        excerpt=excerpt,
        target=target,
    )


def _give(
    *, moderator, member, kind, reason, house_rule, item, ends_at, automated, excerpt, days=None, target=None
) -> Sanction:
    """The sanction, its statement of reasons, the audit entry and the member's live notice."""
    with transaction.atomic():
        given = Sanction.objects.create(
            member=member,
            kind=kind,
            item=item,
            issued_by=moderator,
            house_rule=house_rule,
            reason=reason,
            automated=automated,
            ends_at=ends_at,
            target_type=reviewables.type_of(target) if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
        )
        detected_automatically = bool(
            item
            and item.reason
            in (
                ReviewItem.Reason.FLAGGED,
                ReviewItem.Reason.HELD,
                ReviewItem.Reason.CRISIS,
                ReviewItem.Reason.GROOMING,
            )
        )
        StatementOfReasons.objects.create(
            member=member,
            sanction=given,
            decision_text=wording.decision_text(kind, ends_at),
            content_excerpt=excerpt,
            house_rule=house_rule,
            house_rule_text=wording.house_rule_text(house_rule, "da"),
            facts=reason,
            automated_detection=detected_automatically,
            automated_decision=automated,
        )
        record_audit(
            actor=moderator,
            action=f"safety.sanction_{kind}",
            target=member,
            reason=reason,
            data={"house_rule": house_rule, "days": days, "item": item.pk if item else None},
        )
        send_to_member_on_commit(member.pk, {"type": "statement.new"})
    return given


def appeal(*, member, statement: StatementOfReasons, text: str) -> Appeal:
    policies.require_can_appeal(member, statement)
    with transaction.atomic():
        made = Appeal.objects.create(statement=statement, text=text)
        record_audit(actor=member, action="safety.appealed", target=statement.sanction)
    return made


def decide_appeal(*, moderator, appeal: Appeal, overturn: bool, reason: str) -> Appeal:
    """Another moderator than the one who decided looks at the appeal."""
    policies.require_can_decide_appeal(moderator, appeal)
    with transaction.atomic():
        appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
        appeal.decided_by, appeal.decided_at, appeal.reason = moderator, clock.now(), reason
        appeal.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        given = appeal.statement.sanction
        if overturn and given.lifted_at is None:
            given.lifted_at = clock.now()
            given.save(update_fields=["lifted_at"])
            _show_again(given)
        record_audit(actor=moderator, action=f"safety.appeal_{appeal.status}", target=given, reason=reason)
        send_to_member_on_commit(appeal.statement.member_id, {"type": "appeal.decided"})
    return appeal


def _show_again(given: Sanction) -> None:
    """Hidden content whose hiding was overturned is shown again."""
    if given.kind != Sanction.Kind.HIDE_CONTENT or not given.target_type:
        return
    target = reviewables.load(given.target_type, given.target_id)
    if target is not None:
        reviewables.for_type(given.target_type).restore(target)


def lift_sanction(*, moderator, given: Sanction, reason: str) -> None:
    policies.require_can_sanction(moderator, given.member)
    with transaction.atomic():
        given.lifted_at = clock.now()
        given.save(update_fields=["lifted_at"])
        record_audit(actor=moderator, action="safety.sanction_lifted", target=given, reason=reason)


# --- Watched words and policy ------------------------------------------------------------------


def save_watched_word(*, actor, word: WatchedWord) -> WatchedWord:
    created = word.pk is None
    with transaction.atomic():
        if created:
            word.created_by = actor
        word.save()
        record_audit(
            actor=actor,
            action="safety.watched_word_" + ("added" if created else "changed"),
            target=word,
            data={"pattern": word.pattern, "action": word.action, "label": word.label},
        )
        transaction.on_commit(pipeline.settings_changed)
    return word


def delete_watched_word(*, actor, word: WatchedWord) -> None:
    with transaction.atomic():
        record_audit(
            actor=actor, action="safety.watched_word_deleted", target=word, data={"pattern": word.pattern}
        )
        word.delete()
        transaction.on_commit(pipeline.settings_changed)


def save_policy_rule(*, actor, rule: PolicyRule) -> PolicyRule:
    with transaction.atomic():
        rule.changed_by, rule.changed_at = actor, clock.now()
        rule.save()
        record_audit(
            actor=actor,
            action="safety.policy_changed",
            target=rule,
            data={
                "surface": rule.surface,
                "label": rule.label,
                "kind": rule.kind,
                "max_trust_level": rule.max_trust_level,
                "action": rule.action,
            },
        )
        transaction.on_commit(pipeline.settings_changed)
    return rule


def delete_policy_rule(*, actor, rule: PolicyRule) -> None:
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="safety.policy_reset",
            target=rule,
            data={"surface": rule.surface, "label": rule.label, "kind": rule.kind},
        )
        rule.delete()
        transaction.on_commit(pipeline.settings_changed)
