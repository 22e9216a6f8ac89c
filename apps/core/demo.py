"""Demo data: each app registers a seeder; `manage.py seed_demo` runs them in app order.

Seeders must be idempotent (get_or_create / update_or_create on natural keys), so running the
command again changes nothing, and must return lines worth printing (e.g. demo logins).
"""

from collections.abc import Callable

Seeder = Callable[[], list[str]]
_seeders: list[tuple[int, str, Seeder]] = []


def register(order: int) -> Callable[[Seeder], Seeder]:
    """Decorator: run this seeder at `order` (lower first; follow the app layer order)."""

    def wrap(func: Seeder) -> Seeder:
        name = f"{func.__module__}.{func.__qualname__}"
        if all(existing != name for _o, existing, _f in _seeders):
            _seeders.append((order, name, func))
        return func

    return wrap


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, func) for _order, name, func in sorted(_seeders, key=lambda s: s[:2])]
