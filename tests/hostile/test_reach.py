"""Where a feed can send clp-tui: its own origin (scheme, host and port), and the hosts
its config lists in `redirect_hosts`, never further. A redirect or a `next_url` to
another origin (another port on 127.0.0.1 included) is refused, and so is any step
from https down to plain http. Google's published-CSV redirect from docs.google.com
to googleusercontent.com is allowed without being listed.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import httpx
import pytest
from feedserver import FeedServer, comment, feed_bytes

from clp_tui.config import ConfigError, parse_config
from clp_tui.data.fetch import Fetcher, Limits
from clp_tui.data.fetch_urls import Reach

from .servers import TLSServer


def test_a_redirect_to_another_port_is_refused_unless_listed(
    server: FeedServer, other_server: FeedServer, sync_now, sql, db
) -> None:
    other_server.route("/elsewhere", body=feed_bytes([comment("far")]))
    server.route("/moved", status=302, headers={"Location": other_server.url("/elsewhere")})
    feed = {"name": "inbox", "url": server.url("/moved"), "kind": "comment"}
    (report,) = sync_now(db, [feed])
    assert report.status == "error"
    assert f"redirect to {other_server.url('/elsewhere')} refused: another site" in report.error
    assert other_server.log() == []  # not one request left for the other origin
    listed = {**feed, "redirect_hosts": [f"127.0.0.1:{other_server.port}"]}
    assert sync_now(db, [listed])[0].counts.added == 1
    assert sql(db, "SELECT id FROM items") == [("far",)]


def test_a_next_url_to_another_origin_is_not_followed_unless_listed(
    server: FeedServer, other_server: FeedServer, sync_now, sql, db
) -> None:
    other_server.route("/p2", body=feed_bytes([comment("p2")]))
    server.route("/p1", body=feed_bytes([comment("p1")], next_url=other_server.url("/p2")))
    feed = {"name": "inbox", "url": server.url("/p1"), "kind": "comment"}
    (report,) = sync_now(db, [feed])
    assert report.status == "ok"  # page 1 is kept: paging is optional in JSON Feed
    (warning,) = [p.reason for p in report.problems]
    assert f"next_url {other_server.url('/p2')} refused: another site, not in the feed's redirect_hosts" in warning
    assert other_server.log() == []
    assert sql(db, "SELECT id FROM items") == [("p1",)]
    listed = {**feed, "redirect_hosts": [f"127.0.0.1:{other_server.port}"]}
    assert sync_now(db, [listed])[0].problems == []
    assert sorted(sql(db, "SELECT id FROM items")) == [("p1",), ("p2",)]


def test_https_never_steps_down_to_http(self_signed, server: FeedServer) -> None:
    """An https feed redirected to plain http, on a host its config even lists: refused."""
    server.route("/plain", body=feed_bytes([comment("plain")]))
    reach = Reach.of("https://feeds.example.org/c.json", ["127.0.0.1", "feeds.example.org"])
    assert reach.refusal("http://feeds.example.org/c.json") == "it would leave https for plain http"
    assert reach.refusal("http://127.0.0.1/c.json") == "it would leave https for plain http"
    # And through a real https server whose redirect points at the plain one.
    cert, key = self_signed

    async def go(url: str):
        context = ssl.create_default_context(cafile=str(cert))
        client = httpx.AsyncClient(verify=context, follow_redirects=False)
        async with client, Fetcher(Limits(deadline=8), client=client) as fetcher:
            return await fetcher.fetch(url, redirect_hosts=("127.0.0.1",))

    with _RedirectingTLS(cert, key, server.url("/plain")) as tls:
        result = asyncio.run(go(tls.url("/c.json")))
    assert result.status == "error" and "refused: it would leave https for plain http" in result.error
    assert server.log() == []


def test_the_published_csv_redirect_of_google_sheets_is_allowed_by_default() -> None:
    sheet = Reach.of("https://docs.google.com/spreadsheets/d/e/2PACX-abc/pub?output=csv")
    assert sheet.refusal("https://doc-0g-5s-sheets.googleusercontent.com/pub/abc?output=csv") is None
    assert sheet.refusal("http://doc-0g-5s-sheets.googleusercontent.com/pub") is not None  # not over http
    assert sheet.refusal("https://evil.example/pub") is not None
    assert Reach.of("https://feeds.example.org/c.json").refusal("https://x.googleusercontent.com/") is not None


def test_an_upgrade_to_https_on_the_same_host_is_followed() -> None:
    reach = Reach.of("http://feeds.example.org/c.json", ["cdn.example.org", "*.example.net", "127.0.0.1:8081"])
    assert reach.refusal("https://feeds.example.org/c.json") is None
    assert reach.refusal("https://feeds.example.org:8443/c.json") is not None
    assert reach.refusal("http://cdn.example.org/c.json") is None
    assert reach.refusal("http://cdn.example.org:8080/c.json") is not None  # a listed host: its usual port
    assert reach.refusal("https://a.b.example.net/c.json") is None
    assert reach.refusal("http://127.0.0.1:8081/c.json") is None
    assert reach.refusal("http://127.0.0.1:8082/c.json") is not None


def test_a_file_feeds_pages_stay_in_its_folder(tmp_path: Path, sync_now, sql, db: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (tmp_path / "secret.json").write_bytes(feed_bytes([comment("outside")]))
    (folder / "p2.json").write_bytes(feed_bytes([comment("p2")], next_url="../secret.json"))
    (folder / "p1.json").write_bytes(feed_bytes([comment("p1")], next_url="p2.json"))
    (report,) = sync_now(db, [{"name": "f", "url": (folder / "p1.json").as_uri(), "kind": "comment"}])
    assert report.status == "ok" and sorted(sql(db, "SELECT id FROM items")) == [("p1",), ("p2",)]
    (warning,) = [p.reason for p in report.problems]
    assert "secret.json refused: a file feed's pages must be in its own folder" in warning


@pytest.mark.parametrize("bad", ["http://cdn.example.org", "cdn.example.org/path", "*", "a b", "host:port"])
def test_redirect_hosts_must_be_host_names(bad: str) -> None:
    text = f'[[feeds]]\nname = "f"\nurl = "https://x.example/f.json"\nkind = "comment"\nredirect_hosts = ["{bad}"]\n'
    with pytest.raises(ConfigError, match=r"feeds\[0\]\.redirect_hosts"):
        parse_config(text)


class _RedirectingTLS(TLSServer):
    """An https server whose every answer is a 302 to `target`."""

    def __init__(self, cert, key, target: str) -> None:
        super().__init__(cert, key, b"")
        handler = self.httpd.RequestHandlerClass

        def do_get(request) -> None:
            request.send_response(302)
            request.send_header("Location", target)
            request.send_header("Content-Length", "0")
            request.end_headers()

        handler.do_GET = do_get  # type: ignore[attr-defined]
