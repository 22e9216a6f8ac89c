"""Where promos plugs into the apps below it at start (called from `PromosConfig.ready`):
challenge completion points go to our ledger, and gear's replacement suggestions carry the
matching promotion."""

from __future__ import annotations


class LedgerAwarder:
    """apps.challenges.points.PointsAwarder backed by the promos ledger."""

    def award(self, *, user_id: int, points: int, reason: str) -> bool:
        from apps.promos import services

        return services.points_award_challenge(user_id=user_id, points=points, reason=reason)


def promote_suggestions(*, user, gear, suggestions: list) -> list:
    """gear ranker: mark each replacement suggestion with the person's best live offer that
    targets its product, brand or category (order unchanged)."""
    from apps.promos import selectors, services

    if not suggestions:
        return suggestions
    offers = [
        p
        for p in selectors.offers_for(
            user=user,
            flag_check=services.flag_check_for(user=user),
            variants=services.variants_for(user=user, enter=False),
        )
        if p.categories or p.products.all() or p.brands.all()
    ]
    if not offers:
        return suggestions
    products = {
        p.pk: p for p in selectors.catalog_products(ids=[s.product_id for s in suggestions])
    }
    for suggestion in suggestions:
        product = products.get(suggestion.product_id)
        if product is None:
            continue
        for offer in offers:
            if selectors.targets(offer, product):
                suggestion.promotion = {
                    "id": offer.pk,
                    "title": offer.title_text,
                    "kind": offer.kind,
                    "value": str(offer.value),
                    "currency": offer.currency,
                }
                break
    return suggestions


def connect() -> None:
    from apps.challenges.points import register_awarder
    from apps.gear.hooks import register_ranker

    register_awarder(LedgerAwarder())
    register_ranker(promote_suggestions)
