"""Extension points for apps above gear (promos, recommendations).

A ranker takes the person, their gear and the suggestions ranked by attribute similarity and
returns them re-ranked or annotated (e.g. promos sets `Suggestion.promotion`, recommendations
re-orders with its model). Rankers run in registration order."""

from __future__ import annotations

from collections.abc import Callable

Ranker = Callable[..., list]
_rankers: list[Ranker] = []


def register_ranker(func: Ranker) -> Ranker:
    if func not in _rankers:
        _rankers.append(func)
    return func


def unregister_ranker(func: Ranker) -> None:
    if func in _rankers:
        _rankers.remove(func)


def rankers() -> list[Ranker]:
    return list(_rankers)
