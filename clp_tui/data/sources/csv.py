"""A spreadsheet as a source: an http(s) or file URL serving CSV with the columns
of `clp-tui feed from-csv` (docs/feeds.md), such as a Google Sheet's "Publish to
the web → CSV" link.

A changed cell changes one item. An unchanged sheet costs no writes: the server's
ETag or Last-Modified answers with a 304, and where a server gives neither, a
hash of the sheet stands in for an ETag. Google's published-CSV link redirects
from docs.google.com to googleusercontent.com, which the fetcher allows by default
(other hosts only if the feed lists them in `redirect_hosts`); a token (if any)
goes to the feed's own origin only.
"""

from __future__ import annotations

import hashlib

from clp_tui.data.feedcsv import CsvError, feed_from_csv
from clp_tui.data.fetch import FetchResult
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.sources.call import SourceCall


async def read(call: SourceCall) -> FetchResult:
    feed = call.feed
    result = await call.fetcher.fetch(
        feed.url,
        token=call.token,
        etag=call.etag,
        last_modified=call.last_modified,
        redirect_hosts=tuple(feed.redirect_hosts),
    )
    if result.status != "ok":
        return result
    sheet = b"".join(result.pages)
    if not (result.etag or result.last_modified):
        digest = f'"sha256-{hashlib.sha256(sheet).hexdigest()}"'
        if digest == call.etag:
            return FetchResult("not_modified", http_status=result.http_status, etag=digest)
        result.etag = digest
    try:
        text = sheet.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FetchError(f"the sheet is not UTF-8 text (byte {exc.start}); export it as CSV (UTF-8)") from None
    try:
        doc, errors = feed_from_csv(text, feed.kind, feed.name)
    except CsvError as exc:
        raise FetchError(f"the sheet cannot be read: {exc} (see docs/feeds.md for the columns)") from None
    items = list(doc.get("items", []))
    # Rows the converter refused are reported as the parser's problems by leaving
    # them out; the sheet is the whole plan, so rows gone from it are gone.
    result.pages = [call.page(doc.get("title") or feed.name, items, complete=not errors)]
    result.notes.extend(f"sheet {error}" for error in errors)
    return result
