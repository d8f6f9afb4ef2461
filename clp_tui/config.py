"""Settings: where they live, what they may say, and one loader with clear errors.

A bad config gets a `ConfigError` naming the file, the key and the problem;
the CLI turns it into one line and exit code 2.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import msgspec
import platformdirs

APP_NAME = "clp-tui"
# Reserved for cards an officer creates locally (press ideas); no feed may use it.
LOCAL_FEED = "local"

Seconds = Annotated[float, msgspec.Meta(gt=0, le=3600)]
# A host a feed may be redirected or paged to: "cdn.example.org", "*.example.org", "host:8081".
RedirectHost = Annotated[str, msgspec.Meta(pattern=r"^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?$")]


class ConfigError(Exception):
    """A config file that cannot be used; the message says where and why."""


class Officer(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: str = "Officer"
    role: str = ""


class FeedConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+\Z")]
    url: str
    kind: Literal["milestone", "activity", "comment", "press"]
    refresh: Annotated[int, msgspec.Meta(ge=5, le=86400)] = 60
    token_env: str | None = None
    # Where the items come from (docs/sources.md); the adapters are in data/sources/.
    source: str = "jsonfeed"
    key_env: str | None = None  # YouTube: an API key for read-only use
    apply_decisions: bool = False  # send hide/unhide (etc.) back to the platform
    youtube_hide: Literal["heldForReview", "rejected"] = "heldForReview"
    report_escalations: bool = False  # Mastodon: an escalation files a report
    # Hosts besides the feed's own its redirects and next_url pages may lead to
    # ("cdn.example.org", "*.example.org", "127.0.0.1:8081"); see docs/feeds.md.
    redirect_hosts: list[RedirectHost] = []
    # The most items this feed may have (all pages); unset: [network] max_items.
    max_items: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)] | None = None


class Network(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    connect_timeout: Annotated[float, msgspec.Meta(gt=0, le=15)] = 10.0
    read_timeout: Annotated[float, msgspec.Meta(gt=0, le=15)] = 15.0
    # httpx has no overall limit; this bounds one whole fetch (all pages, redirects).
    deadline: Seconds = 60.0
    max_bytes: Annotated[int, msgspec.Meta(ge=1024)] = 20 * 1024 * 1024
    # A JSON Feed's next_url pages, or a platform source's API requests, per sync (a Page
    # with 100 posts needs 100 or more: one request per post for its comments).
    max_pages: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 50
    # The most items one feed may have (all pages), and how long reading them may take:
    # past either the feed is refused whole, the cache untouched (data/pages.py).
    max_items: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)] = 200_000
    parse_deadline: Seconds = 60.0
    # false on a shared server where `clp-tui sync` runs from cron or a timer
    # (docs/ssh.md): no dashboard then polls on its own; ctrl+r still syncs at once.
    dashboard_polls: bool = True


class Moderation(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    watch_words: list[str] = []
    flag_links: bool = True
    # The same commenter this many times in one day (UTC) is flagged as repeat posting.
    repeat_posts: Annotated[int, msgspec.Meta(ge=2)] = 4
    retain_days: Annotated[int, msgspec.Meta(ge=1)] = 90


class Board(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # "Behind" means achieved/target below the elapsed share of start->due by more than this.
    behind_margin: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.15
    weeks: Annotated[int, msgspec.Meta(ge=2, le=52)] = 8


class Meeting(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # Meeting mode moves board -> branches -> press every this many seconds.
    cycle_seconds: Annotated[int, msgspec.Meta(ge=5, le=3600)] = 20


class Campaign(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # The imprint election material must carry, e.g. "Promoted by A. Agent on behalf of
    # P. Candidate, both at 1 High St, Fernbridge FB1 1AA". Empty: every item that needs
    # one is flagged "no imprint configured".
    imprint: str = ""


class Display(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # The dashboard's theme (any name ctrl+p "theme" lists, e.g. "ansi-dark" for the
    # terminal's own 16 colours). Written back here when the officer picks another one.
    theme: str = ""


class Config(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, dict=True):
    officer: Officer = msgspec.field(default_factory=Officer)
    feeds: list[FeedConfig] = []
    network: Network = msgspec.field(default_factory=Network)
    moderation: Moderation = msgspec.field(default_factory=Moderation)
    board: Board = msgspec.field(default_factory=Board)
    meeting: Meeting = msgspec.field(default_factory=Meeting)
    campaign: Campaign = msgspec.field(default_factory=Campaign)
    display: Display = msgspec.field(default_factory=Display)
    # binding id -> key(s), e.g. approve = "y" or inbox.approve = "y,enter"
    keys: dict[str, str] = {}

    def feed(self, name: str) -> FeedConfig | None:
        return next((f for f in self.feeds if f.name == name), None)


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "cache.db"


def _key_path(msgspec_path: str) -> str:
    """`$.feeds[0].url` -> `feeds[0].url`."""
    return msgspec_path.removeprefix("$").removeprefix(".") or "(top level)"


def _suggestion(table: str, wrong: str) -> str:
    """ "; did you mean `x`?" for the valid key of `table` closest to `wrong`."""
    import difflib

    struct = {f.name: f.type for f in msgspec.structs.fields(Config)}.get(table, Config)
    if table == "feeds":
        struct = FeedConfig
    if not isinstance(struct, type) or not issubclass(struct, msgspec.Struct):
        return " (see `clp-tui init` for every key)"
    valid = [f.name for f in msgspec.structs.fields(struct)]
    close = difflib.get_close_matches(wrong.lower(), valid, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f" (this table's keys are: {', '.join(valid)})"


def _explain(message: str) -> tuple[str, str]:
    """(key, problem) from a msgspec validation message."""
    reason, sep, where = message.rpartition(" - at `")
    key = _key_path(where.rstrip("`")) if sep else "(top level)"
    if not sep:
        reason = message
    unknown = re.match(r"Object contains unknown field `([^`]+)`", reason)
    if unknown:
        table = re.sub(r"\[\d+\]", "", key)
        key = f"{key}.{unknown.group(1)}" if key != "(top level)" else unknown.group(1)
        return key, "unknown key" + _suggestion(table, unknown.group(1))
    missing = re.match(r"Object missing required field `([^`]+)`", reason)
    if missing:
        key = f"{key}.{missing.group(1)}" if key != "(top level)" else missing.group(1)
        return key, "required key is missing"
    return key, reason


def parse_config(text: str, path: str = "<config>") -> Config:
    """Validate TOML text into a Config, or raise ConfigError naming file, key and problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses per bracket: 100,000 of them exhaust the stack
        raise ConfigError(f"{path}: not valid TOML: arrays or tables are nested too deeply") from None
    try:
        config = msgspec.convert(data, Config)
    except msgspec.ValidationError as exc:
        key, problem = _explain(str(exc))
        raise ConfigError(f"{path}: {key}: {problem}") from None
    config.source = path  # type: ignore[attr-defined]
    seen: set[str] = set()
    for index, feed in enumerate(config.feeds):
        where = f"{path}: feeds[{index}]"
        if feed.name in seen:
            raise ConfigError(f"{where}.name: duplicate feed name {feed.name!r}; names must be unique")
        if feed.name == LOCAL_FEED:
            raise ConfigError(f"{where}.name: {LOCAL_FEED!r} is reserved for local cards")
        seen.add(feed.name)
        try:
            parts = urlsplit(feed.url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise ConfigError(f"{where}.url: {feed.url!r} is not a valid URL ({exc})") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https", "file"):
            raise ConfigError(
                f"{where}.url: scheme {scheme or '(none)'!r} is not supported; use http://, https:// or file://"
            )
        if scheme != "file" and not parts.hostname:
            raise ConfigError(f"{where}.url: {feed.url!r} has no host name")
        for name in ("token_env", "key_env"):
            value = getattr(feed, name)
            if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
                raise ConfigError(f"{where}.{name}: {value!r} is not an environment variable name")
        _check_source(feed, where, scheme)
        if feed.token_env is not None and scheme == "http" and not _is_loopback(urlsplit(feed.url).hostname or ""):
            raise ConfigError(
                f"{where}.token_env: a token would travel unencrypted to {urlsplit(feed.url).hostname}; "
                "use an https:// url for a feed that needs a token"
            )
    return config


def _check_source(feed: FeedConfig, where: str, scheme: str) -> None:
    from clp_tui.data.sources import SOURCES

    info = SOURCES.get(feed.source)
    if info is None:
        raise ConfigError(f"{where}.source: {feed.source!r} is not a source; use one of {', '.join(SOURCES)}")
    if feed.kind not in info.kinds:
        raise ConfigError(
            f"{where}.kind: a {info.label} source gives {' or '.join(info.kinds)} items, not {feed.kind!r}"
        )
    if feed.source not in ("jsonfeed", "csv") and scheme == "file":
        raise ConfigError(f"{where}.url: a {info.label} source reads the platform's API: use its https:// URL")
    if feed.apply_decisions and not info.actions:
        raise ConfigError(f"{where}.apply_decisions: {info.why_not}")


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_config(path: Path | None) -> Config:
    """Read the config at `path` (or the default path). A missing default file is
    an empty config; a missing file given explicitly is an error."""
    explicit = path is not None
    path = path or default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{path}: no such file (create one with `clp-tui init --config {path}`)") from None
        config = Config()
        config.source = str(path)  # type: ignore[attr-defined]
        return config
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    return parse_config(text, str(path))


# What a pasted secret tends to look like. A false alarm costs a warning, and only for a
# file other users can read; a miss leaves a token readable by everyone on the machine.
_SECRETISH = re.compile(
    r"(?im)^[\s#]*(token|password|secret|api_key)\s*="  # a key that holds one, even commented out
    r"|\b(gh[pousr]_|glpat-|sk-|xox[abp]-)\w{10,}"  # well-known token prefixes
    r"|[?&](access_token|token|api_?key|apikey|key|secret|password|passwd|auth|sig|signature)=[^&\s\"']{8,}"
    r"|://[^/\s:@\"']+:[^/\s@\"']+@"  # user:password@ in a URL
    r"|\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}"  # a JSON Web Token
    r"|\bBearer\s+[\w.~+/-]{12,}"  # a pasted bearer token
)


def config_warnings(path: Path) -> list[str]:
    """Advice that does not stop the program, e.g. a world-readable file holding a secret."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    if _SECRETISH.search(text) and mode & (stat.S_IRGRP | stat.S_IROTH):
        return [
            f"{path}: this file looks like it holds a secret and other users can read it; "
            f"run `chmod 600 {path}` (better: keep tokens in the environment via token_env)"
        ]
    return []


def token_for(feed: FeedConfig) -> str | None:
    if not feed.token_env:
        return None
    # A token read from a file often keeps its line break ("$(cat token.txt)" with CRLF).
    return os.environ.get(feed.token_env, "").strip() or None


def starter_text() -> str:
    """The commented config `clp-tui init` writes (clp_tui/starter.toml): every feed in it
    is commented out, so the first `sync` asks for a real one instead of failing on a
    placeholder address."""
    from importlib.resources import files

    return files("clp_tui").joinpath("starter.toml").read_text(encoding="utf-8")
