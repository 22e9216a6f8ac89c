"""The RSS/Atom importer: a local feed server (network beyond loopback is blocked in tests),
sanitized HTML, idempotent re-imports, conditional GET, bounded size, recorded errors."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.promos import services, tasks
from apps.promos.models import Article, NewsFeed

pytestmark = pytest.mark.django_db

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Laufen</title>
<item><guid>n-1</guid><title>Marathon &lt;b&gt;Berlin&lt;/b&gt;</title>
<link>https://news.example.com/1</link><pubDate>Sun, 22 Nov 2026 08:00:00 GMT</pubDate>
<description><![CDATA[<p onclick="x()">Rekord <script>alert(1)</script>
<a href="javascript:x">hier</a>
<a href="https://e.example.com/">Link</a></p>]]></description></item>
<item><guid>n-2</guid><title>Zweiter</title><link>https://news.example.com/2</link>
<description>Text</description></item>
</channel></rss>"""


class Handler(BaseHTTPRequestHandler):
    body = RSS
    status = 200
    seen_etags: list[str] = []

    def do_GET(self):
        Handler.seen_etags.append(self.headers.get("If-None-Match", ""))
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(Handler.status)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", '"v1"')
        self.end_headers()
        self.wfile.write(Handler.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.body, Handler.status, Handler.seen_etags = RSS, 200, []
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    server.shutdown()
    server.server_close()


def test_import_sanitizes_and_is_idempotent(feed_server):
    feed = NewsFeed.objects.create(name="Laufen", url=feed_server, language="de", countries="DE")
    assert tasks.news_import_all_task() == 1  # eager: the feed task ran too
    articles = {a.guid: a for a in Article.objects.all()}
    assert sorted(articles) == ["n-1", "n-2"]
    first = articles["n-1"]
    assert first.title == {"de": "Marathon Berlin"}
    body = first.body["de"]
    assert "<script" not in body and "onclick" not in body and "javascript:" not in body
    assert '<a href="https://e.example.com/" rel="noopener noreferrer nofollow">Link</a>' in body
    assert (first.countries, first.url, first.published_at.isoformat()) == (
        "DE", "https://news.example.com/1", "2026-11-22T08:00:00+00:00",
    )  # fmt: skip
    assert services.news_feed_import(feed_id=feed.pk) == 0  # 304 Not Modified
    assert Handler.seen_etags[-1] == '"v1"'
    NewsFeed.objects.filter(pk=feed.pk).update(etag="")
    assert services.news_feed_import(feed_id=feed.pk) == 0  # read again, nothing new
    assert Article.objects.count() == 2


def test_a_failing_or_oversized_feed_is_recorded_not_raised(feed_server, settings):
    feed = NewsFeed.objects.create(name="x", url=feed_server, language="en")
    Handler.status = 500
    assert services.news_feed_import(feed_id=feed.pk) == 0
    feed.refresh_from_db()
    assert feed.error == "HTTP 500"
    Handler.status = 200
    settings.PROMOS_NEWS_MAX_BYTES = 100
    assert services.news_feed_import(feed_id=feed.pk) == 0
    feed.refresh_from_db()
    assert feed.error == "larger than 100 bytes"
    assert Article.objects.count() == 0


def test_only_http_feeds(db):
    feed = NewsFeed.objects.create(name="x", url="ftp://127.0.0.1/feed", language="en")
    assert services.news_feed_import(feed_id=feed.pk) == 0
    feed.refresh_from_db()
    assert feed.error == "only http and https feeds"
