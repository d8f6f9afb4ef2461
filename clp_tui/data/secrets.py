"""The one place secrets are taken out of text before it is stored or printed.

`scrub` is applied to every message a feed's reading produces (a fetch error, a
parse error, an item's problem, a platform's note) before it reaches the cache,
`sync` output (plain or `--json`), `check-feed` or the dashboard: the feed's own
secrets (its token, its API key), written plainly or percent-encoded, become
`[token]`; whatever looks like a secret in a URL's query (`key=`, `token=`,
`access_token=`, `sig=`, ...) becomes `[redacted]`; so does a `user:password@`
and a `Bearer ...` credential a server echoed back. `safe_url` is the same rule
for one URL: the form the cache keeps and every message shows (the config keeps
the real one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# A query parameter whose name says it holds a secret: key, api_key, apikey, token,
# access_token, auth, sig, signature, secret, password, X-Amz-Signature, X-Amz-Credential...
_SECRET_NAME = r"[^=&;\s#'\"<>]*(?:key|token|auth|sig|secret|pass|credential|session)[^=&;\s#'\"<>]*"
_QUERY_SECRET = re.compile(rf"(?i)([?&;]{_SECRET_NAME}=)(?!\[redacted\])[^&;\s#'\"<>)\]]+")
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@")
_BEARER = re.compile(r"(?i)\b(Bearer)\s+[A-Za-z0-9._~+/=-]{6,}")
REDACTED = "[redacted]"


def _encoded(secret: str) -> re.Pattern[str]:
    """`secret` written plainly or percent-encoded, in any mix, any case of hex digits."""
    forms = ("".join(f"%{byte:02x}" for byte in char.encode()) for char in secret)
    return re.compile("".join(f"(?:{re.escape(char)}|{form})" for char, form in zip(secret, forms, strict=True)), re.I)


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` fit to store and print: `secrets` blanked out, secret-looking URL query
    values, user:password@ and echoed credentials redacted."""
    if not text:
        return text
    for secret in secrets:
        if secret and (secret.lower() in text.lower() or "%" in text):
            text = _encoded(secret).sub("[token]", text)
    if "=" not in text and "@" not in text and "earer" not in text:
        return text  # nearly every message: nothing below can match
    text = _USERINFO.sub(r"\1", text)
    text = _QUERY_SECRET.sub(rf"\1{REDACTED}", text)
    return _BEARER.sub(rf"\1 {REDACTED}", text)


def safe_url(url: str) -> str:
    """`url` as the cache keeps it and messages show it: no user:password@, secret
    query values redacted, nothing else changed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url)
    if parts.username is not None or parts.password is not None:
        netloc = parts.netloc.rpartition("@")[2]
        url = parts._replace(netloc=netloc).geturl()
    return _QUERY_SECRET.sub(rf"\1{REDACTED}", url)
