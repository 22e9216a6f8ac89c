"""In a real browser (Debian's chromium through Playwright, on the real stack like
tests/notifications/test_browser.py): two people chat in real time, and a watcher sees a
runner move on the live map."""

import threading
import time

import pytest
from django.test import Client

from apps.groups import chat, live
from apps.groups import services as group_services
from tests.accounts.factories import UserFactory
from tests.notifications.test_browser import browser, live_url  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.services,
    pytest.mark.usefixtures("real_services"),
    pytest.mark.django_db(transaction=True),
]


def _page(browser, live_url, user, path):  # noqa: F811
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}]
    )
    page = context.new_page()
    page.goto(f"{live_url}{path}")
    return context, page


def test_two_people_chat_in_real_time(live_url, browser):  # noqa: F811
    alice = UserFactory(display_name="Alice", language="en")
    bob = UserFactory(display_name="Bob", language="en")
    group = group_services.group_create(owner=alice, name="Browser Club")
    group_services.group_join(user=bob, group=group)
    path = f"/chat/groups/{group.slug}/"
    a_context, a = _page(browser, live_url, alice, path)
    b_context, b = _page(browser, live_url, bob, path)
    for page in (a, b):
        page.wait_for_selector('html[data-chat-socket="open"]', state="attached", timeout=15000)

    a.fill("#chat-input", "Hi Bob <img src=x onerror=alert(1)>")
    a.click("#chat-form button[type=submit]")
    message = b.locator("#chat-log .chat-message .chat-body").last
    message.wait_for(timeout=15000)
    b.wait_for_selector("#chat-log .chat-message", timeout=15000)
    assert message.inner_text() == "Hi Bob <img src=x onerror=alert(1)>"
    assert b.locator("#chat-log img").count() == 0  # text, never markup

    b.fill("#chat-input", "Hello Alice")
    b.press("#chat-input", "Enter")
    a.wait_for_selector("#chat-log .chat-message:nth-child(2)", timeout=15000)
    assert a.locator("#chat-log .chat-message .chat-body").nth(1).inner_text() == "Hello Alice"
    assert a.locator("#chat-log .chat-message .chat-sender").nth(1).inner_text() == "Bob"
    a_context.close()
    b_context.close()
    assert chat.history(user=alice, conversation=group.conversation).count() == 2


def test_a_watcher_sees_a_runner_move(live_url, browser, settings):  # noqa: F811
    settings.LIVE_TICK_SECONDS = 0.2
    made = {}

    def setup():  # broadcasts after commit: in a thread (this one carries Playwright's loop)
        made["coach"] = UserFactory(display_name="Coach", language="en")
        made["runner"] = UserFactory(display_name="Rita", language="en")
        group = group_services.group_create(owner=made["coach"], name="Map Club")
        group_services.group_join(user=made["runner"], group=group)
        made["session"] = live.session_create(actor=made["coach"], group=group, title="Run")
        live.session_start(actor=made["coach"], session=made["session"])
        live.session_join(user=made["runner"], session=made["session"], role="runner")

    worker = threading.Thread(target=setup)
    worker.start()
    worker.join(timeout=30)
    coach, runner, session = made["coach"], made["runner"], made["session"]
    context, page = _page(browser, live_url, coach, f"/live/{session.pk}/")
    page.wait_for_selector('html[data-live-socket="open"]', state="attached", timeout=15000)

    t0 = time.time() - 120

    def run(first, last):  # what the runner's socket does, in a thread of its own
        for i in range(first, last):
            live.point_accept(
                session_id=session.pk,
                user_id=runner.pk,
                frame={"t": t0 + i, "lat": 48.0 + i * 0.00003, "lng": 11.5 + i * 0.00001},
            )

    def position():
        dot = page.locator("circle.live-dot")
        dot.wait_for(timeout=15000)
        return float(dot.get_attribute("cx")), float(dot.get_attribute("cy"))

    worker = threading.Thread(target=run, args=(0, 10))
    worker.start()
    worker.join(timeout=30)
    page.wait_for_selector("#live-runners tr td:nth-child(3)", timeout=15000)
    deadline = time.monotonic() + 15
    while (
        page.locator("#live-runners td").nth(2).inner_text() != "30" and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    before = position()
    assert page.locator("#live-runners td").nth(1).inner_text() == "Rita"

    worker = threading.Thread(target=run, args=(10, 40))
    worker.start()
    worker.join(timeout=30)
    # A tick may land while the points are still arriving (the table briefly shows 31 m):
    # wait for the state after the last point, not for the first change.
    deadline = time.monotonic() + 15
    while (
        int(page.locator("#live-runners td").nth(2).inner_text()) <= 100
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    after = position()
    assert int(page.locator("#live-runners td").nth(2).inner_text()) > 100
    assert after != before
    assert after[1] < before[1]  # north is up on the map
    context.close()
