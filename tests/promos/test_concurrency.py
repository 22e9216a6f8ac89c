"""More real concurrency on PostgreSQL: parallel reward redemptions never take a balance below
zero, and parallel reports of one order earn its points once."""

import threading

import pytest
from django.db import connection

from apps.promos import selectors, services
from apps.promos.exceptions import NotEnoughPoints
from apps.promos.models import Order, PointsEntry, RewardRedemption
from tests.accounts.factories import UserFactory
from tests.promos.factories import reward, rule

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _parallel(count: int, work) -> list[str]:
    start = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            start.wait()
            result = work(i)
        except NotEnoughPoints:
            result = "not enough"
        except Exception as error:
            result = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_parallel_redemptions_never_overdraw(real_services):
    user, staff = UserFactory(), UserFactory()
    services.points_adjust(user=user, points=500, reason="gift", actor=staff)
    socks = reward("socks", 100)

    def redeem(i: int) -> str:
        services.reward_redeem(user=user, reward_id=socks.pk, key=f"k{i}")
        return "redeemed"

    outcomes = _parallel(20, redeem)
    assert (outcomes.count("redeemed"), outcomes.count("not enough")) == (5, 15)
    assert selectors.points_balance(user=user) == 0 == selectors.points_ledger_sum(user_id=user.pk)
    assert RewardRedemption.objects.count() == 5


def test_parallel_reports_of_one_order_earn_once(real_services):
    rule("order", 1)
    user = UserFactory()

    def report(i: int) -> str:
        result = services.order_report(
            shop="sandbox", order_id="P-1", user_id=user.pk, total="42.00", currency="EUR"
        )
        return "created" if result.created else "replayed"

    outcomes = _parallel(10, report)
    assert (outcomes.count("created"), outcomes.count("replayed")) == (1, 9)
    assert Order.objects.count() == 1
    assert PointsEntry.objects.filter(user=user).count() == 1
    assert selectors.points_balance(user=user) == 42
