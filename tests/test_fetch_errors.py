"""Fetching a feed that the server answers with an HTTP error: the status reported,
and Retry-After read in seconds or as a date, clamped, or ignored when garbled.

Every test talks to a real loopback server (tests/feedserver.py)."""

from __future__ import annotations

import email.utils
import time

import pytest
from feedserver import FeedServer
from fetching import fetch

from clp_tui.data.fetch_retry import MAX_RETRY_AFTER, MIN_RETRY_AFTER


@pytest.mark.parametrize(
    ("status", "phrase"), [(404, "Not Found"), (500, "Internal Server Error"), (401, "Unauthorized")]
)
def test_an_http_error_is_reported_with_its_status(server: FeedServer, status: int, phrase: str) -> None:
    url = server.route("/feed.json", status=status, body=b"<html>oops</html>")
    result = fetch(url)
    assert result.status == "error"
    assert result.http_status == status
    assert f"HTTP {status} {phrase}" in result.error
    assert result.retry_after is None


def test_429_retry_after_in_seconds(server: FeedServer) -> None:
    url = server.route("/feed.json", status=429, headers={"Retry-After": "120"})
    result = fetch(url)
    assert (result.status, result.http_status, result.retry_after) == ("error", 429, 120.0)


def test_503_retry_after_as_an_http_date(server: FeedServer) -> None:
    when = email.utils.formatdate(time.time() + 600, usegmt=True)
    url = server.route("/feed.json", status=503, headers={"Retry-After": when})
    result = fetch(url)
    assert result.http_status == 503
    assert 590 <= result.retry_after <= 601


@pytest.mark.parametrize(
    ("header", "expected"),
    [("99999999", MAX_RETRY_AFTER), ("0", MIN_RETRY_AFTER), ("Wed, 21 Oct 2015 07:28:00 GMT", MIN_RETRY_AFTER)],
)
def test_retry_after_is_clamped(server: FeedServer, header: str, expected: float) -> None:
    url = server.route("/feed.json", status=429, headers={"Retry-After": header})
    assert fetch(url).retry_after == expected


def test_a_garbled_retry_after_is_ignored(server: FeedServer) -> None:
    url = server.route("/feed.json", status=429, headers={"Retry-After": "soon-ish"})
    result = fetch(url)
    assert result.http_status == 429 and result.retry_after is None
