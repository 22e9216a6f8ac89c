"""The conformance check against real receivers on 127.0.0.1: a correct one passes, one that
skips signature checks and one that does not de-duplicate are each reported."""

import pytest
from django.core.management import CommandError, call_command

from apps.partners import conformance, services, signing
from tests.partners.factories import make_partner
from tests.partners.helpers import Receiver, running

SECRET = signing.generate_secret()


def _by_name(report):
    return {c.name: c.passed for c in report.checks}


def test_a_correct_receiver_passes_every_check():
    with running(Receiver(SECRET)) as receiver:
        report = conformance.run(url=receiver.url, secret=SECRET)
    assert report.passed, report.lines()
    assert _by_name(report) == {
        "signed event accepted": True,
        "duplicate recognised": True,
        "bad signature rejected": True,
        "stale timestamp rejected": True,
        "burst of 20 events accepted": True,
    }
    assert len(receiver.received) == 21  # the first event once, and the burst


def test_a_receiver_that_skips_signature_checks_fails_those_checks():
    with running(Receiver(SECRET, verify=False)) as receiver:
        report = conformance.run(url=receiver.url, secret=SECRET)
    assert not report.passed
    assert _by_name(report) == {
        "signed event accepted": True,
        "duplicate recognised": True,
        "bad signature rejected": False,
        "stale timestamp rejected": False,
        "burst of 20 events accepted": True,
    }


def test_a_receiver_that_does_not_dedupe_fails_the_duplicate_check():
    with running(Receiver(SECRET, dedupe=False)) as receiver:
        report = conformance.run(url=receiver.url, secret=SECRET)
    assert _by_name(report)["duplicate recognised"] is False
    assert sum(not c.passed for c in report.checks) == 1


def test_nothing_listening_fails_without_a_crash():
    report = conformance.run(url="http://127.0.0.1:1/none", secret=SECRET)
    assert not report.passed
    assert "no answer" in report.checks[0].detail


@pytest.mark.django_db
def test_the_command_prints_what_passed(capsys):
    with running(Receiver(SECRET)) as receiver:
        call_command("partners_conformance", "--url", receiver.url, "--secret", SECRET)
    out = capsys.readouterr().out
    assert "PASS duplicate recognised" in out
    assert out.strip().endswith("conformance: passed")

    with running(Receiver(SECRET, verify=False)) as receiver, pytest.raises(CommandError):
        call_command("partners_conformance", "--url", receiver.url, "--secret", SECRET)
    assert "FAIL bad signature rejected" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_api_call_runs_the_check_with_the_endpoints_secret(token_client):
    partner, _ = make_partner()
    endpoint, secret = services.endpoint_create(partner=partner, url="http://127.0.0.1:9/x")
    with running(Receiver(secret)) as receiver:
        response = token_client(partner.owners.get()).post(
            f"/api/v1/partners/endpoints/{endpoint.pk}/conformance/",
            {"url": receiver.url},
            format="json",
        )
    assert response.status_code == 200
    assert response.json()["passed"] is True
    assert len(response.json()["checks"]) == 5
