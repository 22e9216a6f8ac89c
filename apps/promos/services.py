"""Writes: the points ledger (earning, challenge awards, expiry, staff adjustments), rewards,
coupons (issue, redeem), the shop's side (validate a coupon, report and refund an order), and
the news import. Every write that can be retried carries an idempotency key.

Events published (apps.core.events, after commit): `coupon_issued`, `reward_redeemed`,
`order_reported` (and `order_refunded`); the partner platform turns them into webhooks."""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import feedparser
import nh3
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone, translation

from apps.challenges.services import implausible_speed
from apps.core import analytics
from apps.core.events import publish
from apps.experiments import selectors as experiment_selectors
from apps.experiments import services as experiments
from apps.notifications import services as notifications
from apps.promos import selectors
from apps.promos.exceptions import (
    CouponExhausted,
    CouponInvalid,
    CouponLimitReached,
    NotEnoughPoints,
    OrderInvalid,
    OrderNotFound,
    PointsInvalid,
    PromotionNotFound,
    RewardUnavailable,
)
from apps.promos.models import (
    Article,
    Coupon,
    CouponRedemption,
    EarningRule,
    NewsFeed,
    Order,
    PointsAccount,
    PointsEntry,
    Promotion,
    Reward,
    RewardRedemption,
    Source,
)
from apps.promos.types import CouponCheck
from apps.training import selectors as training_selectors

logger = logging.getLogger(__name__)

Kind = EarningRule.Kind
# Sources whose points may expire (what was earned, not what was spent or reversed).
EARNED = (Source.ACTIVITY, Source.STREAK, Source.CHALLENGE, Source.ORDER, Source.ADJUSTMENT)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# --- The ledger -----------------------------------------------------------------------------


def _locked_account(user_id: int) -> PointsAccount:
    """The person's account row, locked until the transaction ends (made if missing)."""
    PointsAccount.objects.bulk_create([PointsAccount(user_id=user_id)], ignore_conflicts=True)
    return PointsAccount.objects.select_for_update().get(user_id=user_id)


def _entry_add(
    *,
    account: PointsAccount,
    points: int,
    source: str,
    key: str,
    reference: str = "",
    rule: EarningRule | None = None,
    earned_on: date | None = None,
    note: str = "",
    actor=None,
    partial: bool = False,
) -> PointsEntry | None:
    """Append one entry under the locked account; None if the key was used or nothing is left
    to take. A debit larger than the balance fails, or with `partial` takes what is there."""
    if PointsEntry.objects.filter(idempotency_key=key).exists():
        return None
    if points < 0 and account.balance + points < 0:
        if not partial:
            raise NotEnoughPoints()
        points = -account.balance
    if points == 0:
        return None
    now = timezone.now()
    entry = PointsEntry.objects.create(
        user_id=account.user_id,
        points=points,
        source=source,
        idempotency_key=key,
        reference=reference,
        rule=rule,
        earned_on=earned_on or now.date(),
        note=note[:300],
        actor=actor,
        created=now,
    )
    account.balance += points
    account.save(update_fields=["balance", "modified"])
    return entry


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _capped(rule: EarningRule, user_id: int, day: date, points: int, *, besides: str = "") -> int:
    """`points`, or less so that the rule's entries of that day stay within its daily cap;
    `besides` leaves out what one reference already holds (when recomputing it)."""
    if rule.daily_cap is None:
        return points
    entries = PointsEntry.objects.filter(user_id=user_id, rule=rule, earned_on=day)
    if besides:
        entries = entries.exclude(reference=besides)
    used = entries.aggregate(s=Sum("points"))["s"] or 0
    return max(0, min(points, rule.daily_cap - used))


def _streak_length(owner_id: int, day: date, zone: ZoneInfo, longest: int) -> int:
    """Days in a row with an activity, ending on `day` (the owner's local days)."""
    since = datetime.combine(day - timedelta(days=longest + 1), datetime.min.time(), tzinfo=zone)
    days = {
        t.astimezone(zone).date()
        for t in training_selectors.activity_list(owner=owner_id)
        .filter(start_time__gte=since)
        .values_list("start_time", flat=True)
    }
    length = 0
    while day - timedelta(days=length) in days and length <= longest:
        length += 1
    return length


# What an activity's entries are grouped by: (source, rule id, day earned).
Group = tuple[str, int, date]


@dataclass(frozen=True)
class _Due:
    rule: EarningRule
    points: int
    note: str = ""


def _activity_due(activity, owner_id: int, reference: str) -> dict[Group, _Due]:
    """What the activity earns as it is now, by the active rules, within the daily caps left
    by everything else (its own earlier entries left out); nothing if it is implausible."""
    if implausible_speed(activity) is not None:
        return {}
    zone = _zone(activity.timezone)
    day = activity.start_time.astimezone(zone).date()
    km = (activity.distance_m or 0) / 1000
    due: dict[Group, _Due] = {}
    for rule in selectors.earning_rules(kind=Kind.PER_KM, sport=activity.sport) + (
        selectors.earning_rules(kind=Kind.PER_WORKOUT, sport=activity.sport)
    ):
        if (activity.distance_m or 0) < rule.min_distance_m:
            continue
        raw = math.floor(km * rule.points) if rule.kind == Kind.PER_KM else rule.points
        points = _capped(rule, owner_id, day, raw, besides=reference)
        if points > 0:
            due[(Source.ACTIVITY, rule.pk, day)] = _Due(rule, points)
    for rule in selectors.earning_rules(kind=Kind.STREAK):
        length = _streak_length(owner_id, day, zone, rule.streak_days * 8)
        if length < rule.streak_days or length % rule.streak_days:
            continue
        # One streak bonus a day: another activity of that day may hold it already.
        elsewhere = (
            PointsEntry.objects.filter(
                user_id=owner_id, rule=rule, source=Source.STREAK, earned_on=day
            )
            .exclude(reference=reference)
            .aggregate(s=Sum("points"))["s"]
            or 0
        )
        points = (
            0 if elsewhere > 0 else _capped(rule, owner_id, day, rule.points, besides=reference)
        )
        if points > 0:
            due[(Source.STREAK, rule.pk, day)] = _Due(rule, points, f"{length} days")
    return due


def _activity_held(owner_id: int, reference: str) -> dict[Group, int]:
    """What the activity's entries add up to now, per (source, rule, day)."""
    rows = (
        PointsEntry.objects.filter(
            user_id=owner_id,
            reference=reference,
            source__in=(Source.ACTIVITY, Source.STREAK),
            rule__isnull=False,
        )
        .values_list("source", "rule_id", "earned_on")
        .annotate(total=Sum("points"))
    )
    return {(source, rule_id, day): total for source, rule_id, day, total in rows if total}


def _first_key(group: Group, owner_id: int, reference: str) -> str:
    """The key of a group's first award (the keys the ledger has always used)."""
    source, rule_id, day = group
    if source == Source.STREAK:
        return f"streak:{owner_id}:{rule_id}:{day.isoformat()}"
    return f"{reference}:rule:{rule_id}"


@transaction.atomic
def points_recompute_for_activity(*, activity_id: int, owner_id: int) -> int:
    """Bring the activity's points in line with the activity as it is now (recorded, or edited:
    distance, duration, sport, day): the difference per rule and day is appended as a
    correcting entry with its own key, so the ledger stays append-only, the daily caps hold,
    an implausible activity keeps nothing and a repeat (same edit, replayed event) adds
    nothing. Points already spent are not taken below zero. Returns the net change."""
    activity = training_selectors.activity_owned(owner=owner_id, activity_id=activity_id)
    if activity is None:
        return 0  # deleted: `points_reverse_activity` takes its points back
    account = _locked_account(owner_id)  # one recomputation of a person at a time
    reference = f"activity:{activity_id}"
    implausible = implausible_speed(activity) is not None
    if implausible:
        logger.info("promos: no points for implausible activity %s", activity_id)
    due = _activity_due(activity, owner_id, reference)
    held = _activity_held(owner_id, reference)
    if not implausible:
        # A rule staff switched off since keeps what it gave (a title edit takes nothing).
        active = set(
            EarningRule.objects.filter(
                active=True, kind__in=(Kind.PER_KM, Kind.PER_WORKOUT, Kind.STREAK)
            ).values_list("pk", flat=True)
        )
        held = {group: points for group, points in held.items() if group[1] in active}
    rules = {r.pk: r for r in EarningRule.objects.filter(pk__in={g[1] for g in held})}
    changes = sorted(
        ((due[g].points if g in due else 0) - held.get(g, 0), g) for g in set(due) | set(held)
    )
    version = PointsEntry.objects.filter(user_id=owner_id, reference=reference).count()
    first = version == 0
    net = 0
    for delta, group in reversed(changes):  # awards before take-backs: spent points stay spent
        if delta == 0:
            continue
        source, rule_id, day = group
        key = _first_key(group, owner_id, reference)
        if PointsEntry.objects.filter(idempotency_key=key).exists():
            key = f"{reference}:v{version}:{source}:{rule_id}:{day.isoformat()}"
        note = due[group].note if group in due else ""
        if not first:
            note = f"activity changed, {note}" if note else "activity changed"
        entry = _entry_add(
            account=account,
            points=delta,
            source=source,
            key=key,
            reference=reference,
            rule=due[group].rule if group in due else rules.get(rule_id),
            earned_on=day,
            note=note,
            partial=delta < 0,
        )
        net += entry.points if entry else 0
    return net


def points_earn_for_activity(*, activity_id: int, owner_id: int) -> int:
    """Points for a recorded activity by the active rules, within their daily caps; none for
    an implausible one (the speed bounds challenges use). Replays give nothing more."""
    return points_recompute_for_activity(activity_id=activity_id, owner_id=owner_id)


@transaction.atomic
def points_reverse_activity(*, activity_id: int, owner_id: int) -> int:
    """A deleted activity takes back what it earned (at most what is left)."""
    reference = f"activity:{activity_id}"
    earned = (
        PointsEntry.objects.filter(user_id=owner_id, reference=reference).aggregate(
            s=Sum("points")
        )["s"]
        or 0
    )
    if earned <= 0:
        return 0
    account = _locked_account(owner_id)
    entry = _entry_add(
        account=account,
        points=-earned,
        source=Source.ACTIVITY,
        key=f"{reference}:deleted",
        reference=reference,
        note="activity deleted",
        partial=True,
    )
    return entry.points if entry else 0


@transaction.atomic
def points_award_challenge(*, user_id: int, points: int, reason: str) -> bool:
    """apps.challenges' PointsAwarder: `points` once per (user, reason), scaled by an active
    challenge rule (points = percent)."""
    rules = selectors.earning_rules(kind=Kind.CHALLENGE)
    rule = rules[0] if rules else None
    if rule is not None:
        points = points * rule.points // 100
    account = _locked_account(user_id)
    key = f"challenges:{user_id}:{reason}"
    if points <= 0:
        return False
    entry = _entry_add(
        account=account,
        points=points,
        source=Source.CHALLENGE,
        key=key,
        reference=reason,
        rule=rule,
        note=reason,
    )
    return entry is not None


@transaction.atomic
def points_adjust(*, user, points: int, reason: str, actor, key: str = "") -> PointsEntry:
    """A staff correction with its reason; the entry (who, why, when) is the audit trail."""
    reason = (reason or "").strip()
    if not points or not reason:
        raise PointsInvalid()
    account = _locked_account(user.pk)
    entry = _entry_add(
        account=account,
        points=points,
        source=Source.ADJUSTMENT,
        key=f"adjust:{user.pk}:{key or secrets.token_hex(8)}",
        note=reason,
        actor=actor,
    )
    if entry is None:
        return PointsEntry.objects.get(idempotency_key=f"adjust:{user.pk}:{key}")
    logger.info("promos: staff %s adjusted points of %s by %s", actor.pk, user.pk, points)
    return entry


def points_expire(*, now: datetime | None = None) -> int:
    """Expire what was earned before the window and not spent since (oldest first): one entry
    per person and day, so a rerun changes nothing. Returns the points expired."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PROMOS_POINTS_EXPIRY_DAYS)
    user_ids = (
        PointsEntry.objects.filter(created__lt=cutoff, points__gt=0, source__in=EARNED)
        .values_list("user_id", flat=True)
        .distinct()
    )
    total = 0
    for user_id in list(user_ids):
        with transaction.atomic():
            account = _locked_account(user_id)
            entries = PointsEntry.objects.filter(user_id=user_id)
            old = (
                entries.filter(created__lt=cutoff, points__gt=0, source__in=EARNED).aggregate(
                    s=Sum("points")
                )["s"]
                or 0
            )
            spent = -(entries.filter(points__lt=0).aggregate(s=Sum("points"))["s"] or 0)
            due = min(account.balance, old - spent)
            if due <= 0:
                continue
            entry = _entry_add(
                account=account,
                points=-due,
                source=Source.EXPIRY,
                key=f"expiry:{user_id}:{now.date().isoformat()}",
                note=f"earned before {cutoff.date().isoformat()}",
            )
            total += -entry.points if entry else 0
    return total


# --- Rewards --------------------------------------------------------------------------------


@transaction.atomic
def reward_redeem(*, user, reward_id: int, key: str) -> RewardRedemption:
    """Spend points on a reward once per key; never below zero, never beyond the stock."""
    account = _locked_account(user.pk)
    existing = (
        RewardRedemption.objects.filter(user_id=user.pk, idempotency_key=key)
        .select_related("reward", "coupon")
        .first()
    )
    if existing:
        return existing
    reward = Reward.objects.select_for_update().filter(pk=reward_id, active=True).first()
    if reward is None or reward.stock == 0:
        raise RewardUnavailable()
    if account.balance < reward.cost:
        raise NotEnoughPoints()
    if reward.cost:
        _entry_add(
            account=account,
            points=-reward.cost,
            source=Source.REDEMPTION,
            key=f"reward:{user.pk}:{key}",
            reference=f"reward:{reward.pk}",
        )
    if reward.stock is not None:
        reward.stock -= 1
        reward.save(update_fields=["stock", "modified"])
    coupon = None
    if reward.kind == Reward.Kind.COUPON:
        coupon = coupon_issue(user=user, promotion=reward.promotion, key=f"reward:{user.pk}:{key}")
    redemption = RewardRedemption.objects.create(
        user=user,
        reward=reward,
        points=reward.cost,
        idempotency_key=key,
        coupon=coupon,
        created=timezone.now(),
    )
    publish(
        "reward_redeemed",
        redemption_id=redemption.pk,
        user_id=user.pk,
        reward_id=reward.pk,
        reward_slug=reward.slug,
        kind=reward.kind,
        points=reward.cost,
        coupon_code=coupon.code if coupon else None,
    )
    return redemption


# --- Promotions and coupons -----------------------------------------------------------------


def flag_check_for(*, user, request=None):
    """How a promotion's waffle flag is read: per request when there is one, else per user."""
    import waffle
    from waffle import get_waffle_flag_model

    def check(name: str) -> bool:
        if request is not None:
            return bool(waffle.flag_is_active(request, name))
        flag = get_waffle_flag_model().get(name)
        # A flag staff have not created yet is off (waffle hands back an unsaved one).
        return bool(flag.pk) and bool(flag.is_active_for_user(user))

    return check


def variants_for(*, user, expose: bool = True, enter: bool = True):
    """How a person is put in the experiments promotions are measured by (apps.experiments:
    sticky, keyed on the user, so the same on web pages and in the API). `enter=False` only
    reads the variants they are in already (places that are not the experiment's entry, like
    gear's suggestions): the others get the control's experience there."""

    def resolve(keys) -> dict[str, str | None]:
        if not enter:
            return experiment_selectors.assigned_variants(experiment_keys=keys, user_id=user.pk)
        return experiments.variants_for(experiment_keys=keys, user=user, expose=expose)

    return resolve


# Conversion metrics of a promotion's experiment.
METRIC_CLAIM = "claim"  # took the offer's coupon (the click-through)
METRIC_REDEEM = "redeem"  # used a coupon of the promotion in a shop order


def offers_show(*, user, request=None, language: str | None = None) -> list[Promotion]:
    """The offers for a person, with an exposure tracked for each (experiment measurement):
    a promotion of an experiment records one exposure of its experiment through
    apps.experiments, for the people in the variant that sees it and the others alike."""
    offers = selectors.offers_for(
        user=user,
        language=language,
        flag_check=flag_check_for(user=user, request=request),
        variants=variants_for(user=user),
    )
    for promotion in offers:
        analytics.track(
            "promotion_exposed",
            user_id=user.pk,
            properties={
                "promotion_id": promotion.pk,
                "variant": promotion.variant,
                "flag": promotion.waffle_flag,
            },
        )
    return offers


def _new_code(prefix: str = "") -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{prefix}{body}"[:40]


@transaction.atomic
def coupon_issue(*, user, promotion: Promotion, key: str) -> Coupon:
    """A personal coupon of the promotion; the same key gives the same coupon."""
    existing = Coupon.objects.filter(issue_key=key).select_related("promotion").first()
    if existing:
        return existing
    coupon = Coupon.objects.create(
        promotion=promotion,
        code=_new_code(),
        user=user,
        total_limit=1,
        per_user_limit=1,
        issue_key=key,
    )
    publish(
        "coupon_issued",
        coupon_id=coupon.pk,
        code=coupon.code,
        user_id=user.pk,
        promotion_id=promotion.pk,
        promotion_slug=promotion.slug,
        kind=promotion.kind,
        value=str(promotion.value),
        currency=promotion.currency,
        valid_until=promotion.ends_at.isoformat(),
    )
    return coupon


def offer_claim(*, user, promotion_id: int, request=None) -> Coupon:
    """Take a personal coupon of an offer aimed at you (once per offer)."""
    offers = selectors.offers_for(
        user=user,
        flag_check=flag_check_for(user=user, request=request),
        variants=variants_for(user=user, expose=False),
    )
    promotion = next((p for p in offers if p.pk == promotion_id), None)
    if promotion is None:
        raise PromotionNotFound()
    coupon = coupon_issue(user=user, promotion=promotion, key=f"claim:{promotion.pk}:{user.pk}")
    if promotion.experiment:
        experiments.convert(user, promotion.experiment, METRIC_CLAIM)
    return coupon


@transaction.atomic
def coupon_create_shared(
    *, promotion: Promotion, code: str, total_limit: int | None, per_user_limit: int = 1
) -> Coupon:
    coupon, _created = Coupon.objects.get_or_create(
        code=code.strip().upper(),
        defaults={
            "promotion": promotion,
            "total_limit": total_limit,
            "per_user_limit": per_user_limit,
        },
    )
    return coupon


def _usable(coupon: Coupon | None, user_id: int | None, now: datetime) -> None:
    if coupon is None or not coupon.active or not coupon.promotion.active:
        raise CouponInvalid()
    promotion = coupon.promotion
    if not promotion.starts_at <= now < promotion.ends_at:
        raise CouponInvalid()
    if coupon.user_id is not None and coupon.user_id != user_id:
        raise CouponInvalid()


def _used_by(coupon: Coupon, user_id: int | None) -> int:
    if user_id is None:
        return 0
    return CouponRedemption.objects.filter(
        coupon=coupon, user_id=user_id, reversed_at__isnull=True
    ).count()


def coupon_validate(*, code: str, user_id: int | None = None) -> CouponCheck:
    """For the shop at checkout: may `code` be used by this person now, and for what? Reads
    only; the redemption happens when the order is reported."""
    code = (code or "").strip().upper()[:40]
    coupon = selectors.coupon_by_code(code=code) if code else None
    try:
        _usable(coupon, user_id, timezone.now())
        if coupon.total_limit is not None and coupon.redeemed_count >= coupon.total_limit:
            raise CouponExhausted()
        if _used_by(coupon, user_id) >= coupon.per_user_limit:
            raise CouponLimitReached()
    except (CouponInvalid, CouponExhausted, CouponLimitReached) as error:
        return CouponCheck(valid=False, code=code, reason=error.code, message=error.message)
    promotion = coupon.promotion
    return CouponCheck(
        valid=True,
        code=code,
        kind=promotion.kind,
        value=promotion.value,
        currency=promotion.currency,
        product_ids=tuple(sorted(p.pk for p in promotion.products.all())),
        brand_ids=tuple(sorted(b.pk for b in promotion.brands.all())),
        categories=tuple(promotion.categories),
        promotion_id=promotion.pk,
    )


@transaction.atomic
def coupon_redeem(*, code: str, user_id: int | None, key: str) -> CouponRedemption:
    """Use a coupon once per key. The coupon row is locked, so parallel redemptions never pass
    the total or per-person limit."""
    code = (code or "").strip().upper()[:40]
    coupon = (
        Coupon.objects.select_for_update().select_related("promotion").filter(code=code).first()
    )
    existing = (
        CouponRedemption.objects.filter(coupon=coupon, idempotency_key=key).first()
        if coupon
        else None
    )
    if existing:
        return existing
    _usable(coupon, user_id, timezone.now())
    if coupon.total_limit is not None and coupon.redeemed_count >= coupon.total_limit:
        raise CouponExhausted()
    if _used_by(coupon, user_id) >= coupon.per_user_limit:
        raise CouponLimitReached()
    redemption = CouponRedemption.objects.create(
        coupon=coupon, user_id=user_id, idempotency_key=key, created=timezone.now()
    )
    Coupon.objects.filter(pk=coupon.pk).update(redeemed_count=F("redeemed_count") + 1)
    return redemption


def _coupon_redemption_reverse(redemption: CouponRedemption) -> None:
    if redemption.reversed_at is not None:
        return
    Coupon.objects.select_for_update().filter(pk=redemption.coupon_id).first()
    redemption.reversed_at = timezone.now()
    redemption.save(update_fields=["reversed_at"])
    Coupon.objects.filter(pk=redemption.coupon_id, redeemed_count__gt=0).update(
        redeemed_count=F("redeemed_count") - 1
    )


# --- The shop (wired to partner credentials by apps.partners) -------------------------------


@dataclass(frozen=True)
class OrderResult:
    order: Order
    created: bool


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise OrderInvalid(fields={"total": [str(OrderInvalid.default_message)]}) from None
    if amount < 0 or amount >= Decimal("10000000000"):
        raise OrderInvalid(fields={"total": [str(OrderInvalid.default_message)]})
    return amount


def _order_reference(shop: str, environment: str, order_id: str) -> str:
    """The ledger reference (and key stem) of an order; a sandbox order's never collides with a
    production order's of the same id (production keeps the form it always had)."""
    if environment == Order.Environment.SANDBOX:
        return f"order:{shop}@sandbox:{order_id}"
    return f"order:{shop}:{order_id}"


def _environment(environment: str) -> str:
    if environment not in Order.Environment.values:
        raise ValueError(f"unknown environment: {environment!r}")
    return environment


def order_report(
    *,
    shop: str,
    order_id: str,
    user_id: int | None,
    total,
    currency: str,
    coupon_code: str = "",
    environment: str = Order.Environment.PRODUCTION,
) -> OrderResult:
    """A shop reports a paid order: the coupon is redeemed and points are earned, once per
    (shop, environment, order_id); a replay returns the first order and changes nothing."""
    environment = _environment(environment)
    shop, order_id = (shop or "").strip()[:80], (order_id or "").strip()
    currency = (currency or "").strip().upper()
    amount = _money(total)
    if not shop or not order_id or len(order_id) > 100:
        raise OrderInvalid(fields={"order_id": [str(OrderInvalid.default_message)]})
    if len(currency) != 3 or not currency.isalpha():
        raise OrderInvalid(fields={"currency": [str(OrderInvalid.default_message)]})
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    with transaction.atomic():
        mine = Order.objects.filter(shop=shop, environment=environment, order_id=order_id)
        existing = mine.first()
        if existing:
            return OrderResult(existing, created=False)
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    shop=shop,
                    environment=environment,
                    order_id=order_id,
                    user=user,
                    total=amount,
                    currency=currency,
                    created=timezone.now(),
                )
        except IntegrityError:  # the same report, in parallel: the first one wins
            return OrderResult(mine.get(), created=False)
        reference = _order_reference(shop, environment, order_id)
        if coupon_code:
            redemption = coupon_redeem(code=coupon_code, user_id=user and user.pk, key=reference)
            order.coupon_id = redemption.coupon_id
            promotion = redemption.coupon.promotion
            analytics.track(
                "promotion_converted",
                user_id=user and user.pk,
                properties={
                    "promotion_id": promotion.pk,
                    "variant": promotion.variant,
                    "flag": promotion.waffle_flag,
                    "order": reference,
                },
            )
            if promotion.experiment and user is not None:
                experiments.convert(user, promotion.experiment, METRIC_REDEEM)
        if user is not None:
            account = _locked_account(user.pk)
            for rule in selectors.earning_rules(kind=Kind.ORDER):
                points = _capped(rule, user.pk, timezone.now().date(), int(amount * rule.points))
                if points > 0:
                    entry = _entry_add(
                        account=account,
                        points=points,
                        source=Source.ORDER,
                        key=f"{reference}:rule:{rule.pk}",
                        reference=reference,
                        rule=rule,
                    )
                    order.points += entry.points if entry else 0
        order.save(update_fields=["coupon", "points"])
        publish(
            "order_reported",
            shop=shop,
            environment=environment,
            order_id=order_id,
            user_id=user and user.pk,
            total=str(amount),
            currency=currency,
            coupon_code=order.coupon.code if order.coupon_id else None,
            points=order.points,
        )
    return OrderResult(order, created=True)


@transaction.atomic
def order_refund(
    *, shop: str, order_id: str, environment: str = Order.Environment.PRODUCTION
) -> Order:
    """The shop refunded an order (of that environment): its coupon use and its points are
    reversed, once."""
    environment = _environment(environment)
    order = (
        Order.objects.select_for_update()
        .filter(shop=shop, environment=environment, order_id=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    if order.status == Order.Status.REFUNDED:
        return order
    reference = _order_reference(shop, environment, order_id)
    for redemption in CouponRedemption.objects.filter(
        idempotency_key=reference, reversed_at__isnull=True
    ):
        _coupon_redemption_reverse(redemption)
    if order.user_id and order.points:
        account = _locked_account(order.user_id)
        _entry_add(
            account=account,
            points=-order.points,
            source=Source.REFUND,
            key=f"{reference}:refund",
            reference=reference,
            partial=True,  # points already spent stay spent; the balance never goes below 0
        )
    order.status = Order.Status.REFUNDED
    order.refunded_at = timezone.now()
    order.save(update_fields=["status", "refunded_at"])
    publish(
        "order_refunded",
        shop=shop,
        environment=environment,
        order_id=order_id,
        user_id=order.user_id,
    )
    return order


# --- Announcements --------------------------------------------------------------------------


def _arm_shown(promotion: Promotion, user) -> bool:
    """Does the person's variant of the promotion's experiment see it? (The announcement is a
    showing: it counts as an exposure.)"""
    variant = experiments.variant_for(experiment_key=promotion.experiment, user=user)
    return promotion.variant in experiment_selectors.shown_arms(
        experiment_key=promotion.experiment, variant=variant
    )


def promotion_announce(*, promotion_id: int) -> int:
    """Tell the audience of a live promotion (a marketing notification: notifications obeys
    consent and preferences). Once per promotion."""
    promotion = selectors.promotion_get(promotion_id=promotion_id)
    if promotion is None or not promotion.announce:
        return 0
    # Once per promotion: the first run claims it (a retried or repeated task sends nothing).
    if not Promotion.objects.filter(pk=promotion.pk, announced_at__isnull=True).update(
        announced_at=timezone.now()
    ):
        return 0
    users = get_user_model().objects.filter(is_active=True)
    if promotion.user_id:
        users = users.filter(pk=promotion.user_id)
    sent = 0
    for user in users.order_by("pk").iterator(chunk_size=500):
        if promotion.waffle_flag and not flag_check_for(user=user)(promotion.waffle_flag):
            continue
        if not selectors.matches(promotion, selectors.audience_for(user=user)):
            continue
        if promotion.experiment and not _arm_shown(promotion, user):
            continue
        with translation.override(user.language or None):
            title = promotion.title_text
        if notifications.notify(
            user,
            "promotion_new",
            {"promotion_id": promotion.pk, "title": title},
            collapse_key=f"promotion:{promotion.pk}",
        ):
            sent += 1
    return sent


# --- News -----------------------------------------------------------------------------------

ALLOWED_TAGS = {"p", "br", "a", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h3"}


def sanitize(html: str, *, limit: int = 20_000) -> str:
    return nh3.clean(html[: limit * 2], tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")[
        :limit
    ]


def plain(text: str, *, limit: int = 300) -> str:
    return nh3.clean(text or "", tags=set()).strip()[:limit]


class FeedFetchFailed(Exception):
    pass


def _fetch(feed: NewsFeed) -> bytes | None:
    """The feed's bytes (None: not modified), bounded in time and size."""
    if not feed.url.lower().startswith(("http://", "https://")):
        raise FeedFetchFailed("only http and https feeds")
    headers = {"User-Agent": "Stride news importer"}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    limit = settings.PROMOS_NEWS_MAX_BYTES
    try:
        with requests.get(
            feed.url,
            headers=headers,
            timeout=settings.PROMOS_NEWS_TIMEOUT_S,
            stream=True,
            allow_redirects=True,
        ) as response:
            if response.status_code == 304:
                return None
            if response.status_code != 200:
                raise FeedFetchFailed(f"HTTP {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FeedFetchFailed(f"larger than {limit} bytes")
                chunks.append(chunk)
            feed.etag = response.headers.get("ETag", "")[:200]
            feed.last_modified = response.headers.get("Last-Modified", "")[:100]
            return b"".join(chunks)
    except requests.RequestException as error:
        raise FeedFetchFailed(type(error).__name__) from None


def _published(entry) -> datetime:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return datetime(*parsed[:6], tzinfo=UTC)
    return timezone.now()


def news_feed_import(*, feed_id: int) -> int:
    """Fetch one feed and add its new items as articles (sanitized); returns how many."""
    feed = NewsFeed.objects.filter(pk=feed_id, active=True).first()
    if feed is None:
        return 0
    try:
        content = _fetch(feed)
    except FeedFetchFailed as error:
        feed.error = str(error)[:300]
        feed.fetched_at = timezone.now()
        feed.save(update_fields=["error", "fetched_at", "modified"])
        logger.warning("promos: news feed %s failed: %s", feed.pk, error)
        return 0
    added = 0
    if content is not None:
        parsed = feedparser.parse(content)
        for entry in parsed.entries[: settings.PROMOS_NEWS_MAX_ITEMS]:
            link = entry.get("link", "")
            guid = (entry.get("id") or link)[:300]
            title = plain(entry.get("title", ""))
            if not guid or not title:
                continue
            html = ""
            if entry.get("content"):
                html = entry.content[0].get("value", "")
            html = html or entry.get("summary", "")
            _article, created = Article.objects.get_or_create(
                feed=feed,
                guid=guid,
                defaults={
                    "title": {feed.language: title},
                    "body": {feed.language: sanitize(html)},
                    "url": link[:500] if link.startswith(("http://", "https://")) else "",
                    "countries": feed.countries,
                    "published_at": min(_published(entry), timezone.now()),
                },
            )
            added += created
    feed.error = ""
    feed.fetched_at = timezone.now()
    feed.save(update_fields=["error", "fetched_at", "etag", "last_modified", "modified"])
    return added
