"""Live promotions as product candidates: the offers a person is eligible for (promos' own
targeting: country, region, language, segment, a personal offer, its waffle flag) join the
products recommender's pool with a reason they can read.

Registered as a products candidate source (`selectors.register_candidate_source`) at start.
It lives here rather than in apps/promos because recommendations sits above promos in the
import-linter layers: promos may not import recommendations, recommendations may read promos'
selectors and services. Consent is promos' rule, applied by `promos.selectors.offers_for`:
segments built on a person's training or gear data (weekly km, worn shoes, group, challenge
finishers) reach only people who agreed to personalisation; place, language and "everyone"
offers are what promos shows every signed-in person on its offers page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.recommendations.models import Kind
from apps.recommendations.types import Candidate

KEY_PREFIX = "promotion:"
BOOST = 0.5  # an offer competes with the catalog; one aimed at the person's data comes first
TARGETED_BOOST = 1.0
# The segments built on the person's own data: promos shows them only with their consent.
TARGETED_SEGMENTS = ("weekly_km", "worn_shoes", "group", "finishers")


def _reason(promotion) -> str:
    segment = promotion.segment
    if segment == "worn_shoes":
        return _("Your running shoes are nearly worn out: an offer on a new pair.")
    if segment == "weekly_km":
        return _("For runners who cover %(km)d km a week or more, like you.") % {
            "km": promotion.min_weekly_km
        }
    if segment == "new_users":
        return _("A welcome offer for new members.")
    if segment == "group":
        return _("An offer for the members of your group.")
    if segment == "finishers":
        return _("An offer for finishing the challenge.")
    if promotion.user_id is not None:
        return _("An offer made for you, until %(date)s.") % {
            "date": date_format(promotion.ends_at.date())
        }
    if promotion.countries or promotion.regions:
        return _("An offer for athletes where you live, until %(date)s.") % {
            "date": date_format(promotion.ends_at.date())
        }
    return _("A current offer, until %(date)s.") % {"date": date_format(promotion.ends_at.date())}


def promotion_candidates(user) -> list[Candidate]:
    """The live promotions this person is eligible for, as products candidates."""
    from apps.promos import selectors as promos_selectors
    from apps.promos import services as promos_services
    from apps.recommendations.selectors import CATEGORY_SPORTS

    if user is None or not user.is_authenticated:
        return []
    check = promos_services.flag_check_for(user=user)

    def flag_check(name: str) -> bool:
        try:
            return check(name)
        except ValueError:  # a flag named on a promotion but never created: off
            return False

    offers = promos_selectors.offers_for(user=user, flag_check=flag_check)
    url = reverse("promos-offers")
    out = []
    for promotion in offers:
        sports = [CATEGORY_SPORTS[c] for c in promotion.categories or () if c in CATEGORY_SPORTS]
        out.append(
            Candidate(
                kind=Kind.PRODUCTS,
                key=f"{KEY_PREFIX}{promotion.pk}",
                title=promotion.title_text,
                url=url,
                sport=sports[0] if sports else "other",
                reason=_reason(promotion),
                boost=TARGETED_BOOST if promotion.segment in TARGETED_SEGMENTS else BOOST,
            )
        )
    return out


def register() -> None:
    from apps.recommendations import selectors

    selectors.register_candidate_source(Kind.PRODUCTS, promotion_candidates)
