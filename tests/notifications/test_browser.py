"""In a real browser (Debian's chromium through Playwright): a notification appears in an open
tab without a reload, over /ws/notifications/, in the reader's language, and the badge counts it.

Runs on the real stack (PostgreSQL, and Redis as the channel layer shared by this process and
the uvicorn server thread), like the other `services` tests; .ci/run installs chromium.
"""

import shutil
import socket
import threading
import time

import pytest
from django.test import Client

from apps.notifications import services
from tests.accounts.factories import UserFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.usefixtures("real_services"),
    pytest.mark.django_db(transaction=True),
]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def live_url():
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from config.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            ASGIStaticFilesHandler(application),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            ws="websockets-sansio",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(monkeypatch):
    if not shutil.which("chromium") and not shutil.which(CHROMIUM):
        pytest.fail("chromium is not installed (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread between its calls; the ORM calls
    # the test makes in between are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


def test_a_kudos_appears_in_an_open_tab_without_reload(live_url, browser):
    reader = UserFactory(language="de", display_name="Lena")
    client = Client()
    client.force_login(reader)
    context = browser.new_context(locale="de-DE")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}]
    )
    page = context.new_page()
    loads = []
    page.on("load", lambda _page: loads.append(1))
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # Only selectors here: the page's CSP forbids the eval that string predicates need.
    page.goto(f"{live_url}/notifications/")
    page.wait_for_selector(
        'html[data-notifications-socket="open"]', state="attached", timeout=15000
    )
    assert page.locator("#notifications-badge").is_hidden()

    # What another app does when someone gives kudos; in a thread of its own, as in a request
    # (this thread carries Playwright's event loop).
    sender = threading.Thread(
        target=services.notify,
        args=(reader, "kudos"),
        kwargs={
            "context": {
                "actor_name": "Bob <img src=x onerror=alert(1)>",
                "activity_title": "Morgenlauf",
            },
            "collapse_key": "activity:1",
        },
    )
    sender.start()
    sender.join(timeout=30)

    item = page.locator("#notification-list .notification.unread").first
    item.wait_for(timeout=15000)
    assert item.locator(".notification-text").inner_text() == (
        "Bob <img src=x onerror=alert(1)> hat „Morgenlauf“ Kudos gegeben."
    )
    assert page.locator("#notification-list img").count() == 0  # text, never markup
    assert page.locator("#notifications-badge").inner_text() == "1"
    assert loads == [1]  # the first load only: no reload happened
    # No script refused by the CSP (htmx's own inline style and the missing favicon are not
    # this page's doing).
    assert [e for e in errors if "script" in e] == []
    context.close()
