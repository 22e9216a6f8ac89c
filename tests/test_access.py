import pytest

from tests import access, access_cases  # noqa: F401 - registers the cases
from tests.accounts.factories import UserFactory


def _call(client, case, obj):
    return getattr(client, case.method)(
        case.url(obj), case.payload(), format=case.format, headers=case.headers
    )


@pytest.mark.django_db
@pytest.mark.parametrize("case", access.CASES, ids=str)
def test_anonymous_gets_401_and_changes_nothing(case, api_client):
    owner = UserFactory()
    obj = case.make(owner)
    before = case.snapshot(obj)

    response = _call(api_client, case, obj)

    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert case.snapshot(obj) == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", access.CASES, ids=str)
def test_another_user_cannot_see_or_change_it(case, token_client):
    owner, intruder = UserFactory(), UserFactory()
    obj = case.make(owner)
    before = case.snapshot(obj)

    response = _call(token_client(intruder), case, obj)

    if case.kind == "owned":
        assert response.status_code in (403, 404)
        assert response.json()["code"] in ("PERMISSION_DENIED", "NOT_FOUND")
    else:
        assert response.status_code == case.owner_status
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert not [leak for leak in case.leaks(owner) if leak and leak in body]
    assert case.snapshot(obj) == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", access.CASES, ids=str)
def test_the_owner_is_served(case, token_client):
    owner = UserFactory()
    obj = case.make(owner)

    response = _call(token_client(owner), case, obj)

    assert response.status_code == case.owner_status, response.content
