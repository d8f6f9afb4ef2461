"""Floor for a cold sync: the least a program must do to cache a JSON feed in SQLite.

Standard library only: one urllib GET, json.loads, and one transaction of
executemany upserts of the same fields clp-tui keeps. Run as its own process:

    python bench/floor_sync.py URL DB
"""

from __future__ import annotations

import json
import sqlite3
import sys
import urllib.request


def main(url: str, db_path: str) -> int:
    with urllib.request.urlopen(url, timeout=60) as response:
        feed = json.loads(response.read())
    rows = []
    for item in feed["items"]:
        clp = item.get("_clp") or {}
        author = (item.get("authors") or [{}])[0]
        rows.append(
            (
                "comments",
                str(item["id"]),
                item.get("title"),
                item.get("content_text"),
                item.get("url"),
                author.get("name"),
                author.get("url"),
                item.get("date_published"),
                item.get("date_modified"),
                clp.get("platform"),
                clp.get("channel"),
                clp.get("thread_id"),
                clp.get("in_reply_to"),
                clp.get("state"),
                json.dumps(clp),
                json.dumps(item),
            )
        )
    conn = sqlite3.connect(db_path)
    conn.execute(
        """CREATE TABLE IF NOT EXISTS items (
            feed TEXT NOT NULL, id TEXT NOT NULL, title TEXT, body TEXT, url TEXT,
            author_name TEXT, author_url TEXT, published TEXT, modified TEXT, platform TEXT,
            channel TEXT, thread_id TEXT, in_reply_to TEXT, state TEXT, ext TEXT, raw TEXT,
            PRIMARY KEY (feed, id))"""
    )
    columns = (
        "title",
        "body",
        "url",
        "author_name",
        "author_url",
        "published",
        "modified",
        "platform",
        "channel",
        "thread_id",
        "in_reply_to",
        "state",
        "ext",
        "raw",
    )
    with conn:
        conn.executemany(
            f"""INSERT INTO items VALUES ({", ".join("?" * 16)})
                ON CONFLICT (feed, id) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in columns)}""",
            rows,
        )
    conn.close()
    print(f"{len(rows)} items")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
