import pytest

from apps.accounts import services as accounts_services
from apps.training import services as training_services
from tests.accounts.factories import UserFactory
from tests.training.tracks import START, meridian_run, run_activity

HOME = (48.0, 11.5)  # where the synthetic runs start
ZONE_RADIUS = 200


def record_run(owner, *, visibility="public", minutes_later=0, zone=False, **fields):
    from datetime import timedelta

    if zone:
        accounts_services.privacy_zone_create(
            user=owner, name="Home", latitude=HOME[0], longitude=HOME[1], radius_m=ZONE_RADIUS
        )
    return training_services.record_activity(
        owner=owner,
        activity=run_activity(
            meridian_run(seconds=600, lat0=HOME[0], lng=HOME[1]),
            visibility=visibility,
            start_time=START + timedelta(minutes=minutes_later),
            **fields,
        ),
    ).activity


@pytest.fixture
def alice(db):
    return UserFactory(display_name="Alice")


@pytest.fixture
def bob(db):
    return UserFactory(display_name="Bob")


@pytest.fixture
def carol(db):
    return UserFactory(display_name="Carol")
