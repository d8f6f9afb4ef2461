"""What the command palette's jump search finds: milestones, branches, comments and
press cards whose text holds every word typed, straight from SQLite (the inbox
may hold 50,000 comments, so nothing is loaded to search it)."""

from __future__ import annotations

from clp_tui.data.store import Store

JUMP_KINDS = ("milestone", "activity", "comment", "press")  # the kinds the registry's screens show
JUMP_LIMIT = 12  # per kind


def find_items(store: Store, words: list[str], *, limit: int = JUMP_LIMIT) -> list[tuple[str, str, str, str]]:
    """(feed, id, label, kind) of live items whose title, body, branch or author holds
    every one of `words` (lower case), newest first within each kind; `limit` per kind.
    Branches (activity) come once each, as (feed, branch, branch, 'activity')."""
    clauses = " AND ".join(
        "instr(lower(coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(branch, '') "
        "|| ' ' || coalesce(author_name, '')), ?) > 0"
        for _ in words
    )
    results = []
    for kind in JUMP_KINDS:
        if kind == "activity":
            sql = f"""SELECT feed, branch, branch, 'activity' FROM items
                      WHERE kind = 'activity' AND archived = 0 AND {clauses}
                      GROUP BY branch LIMIT {int(limit)}"""
        else:
            sql = f"""SELECT feed, id, coalesce(title, substr(body, 1, 120), id), kind FROM items
                      WHERE kind = '{kind}' AND archived = 0 AND {clauses}
                      ORDER BY published DESC LIMIT {int(limit)}"""
        results.extend(tuple(r) for r in store.query(sql, words))
    return results


def label_of(store: Store, key: tuple[str, str], *, people: bool = True) -> str:
    """What an item is called in a confirmation: a comment by its author (or, with
    `people` False, its platform), anything else by its title, else its id."""
    rows = store.query(
        "SELECT kind, author_name, platform, title, substr(body, 1, 80) FROM items WHERE feed = ? AND id = ?", key
    )
    if not rows:
        return key[1]
    kind, author, platform, title, body = rows[0]
    if kind == "comment":
        return (author if people else None) or f"a {platform or 'comment'} comment"
    return title or body or key[1]
