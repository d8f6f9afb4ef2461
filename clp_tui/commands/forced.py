"""What an officer may ask for over SSH besides the dashboard. Their key's forced
command runs `clp-tui --as ID …`; whatever they typed after the host arrives in
`SSH_ORIGINAL_COMMAND` and never reaches a shell. A command on this list (read-only,
writing only to the officer's own terminal) runs as them; anything else is refused
in one line. docs/ssh.md lists the same commands.
"""

from __future__ import annotations

import shlex

from clp_tui.commands.list_kinds import LIST_KINDS

# Command words, then each option allowed and whether it takes a value. No --output,
# --config or --db: nothing is written on the server, and no other cache is read.
ALLOWED: dict[tuple[str, ...], dict[str, bool]] = {
    ("report",): {"--format": True, "--since": True, "--as-of": True},
    ("list",): {"--json": False},  # and one of LIST_KINDS
    ("export", "decisions"): {"--format": True, "--since": True},
    ("officers", "list"): {"--json": False},
    ("schema",): {"--kind": True},
}

SUMMARY = "report, list " + "|".join(sorted(LIST_KINDS)) + ", export decisions, officers list, schema"


def allowed_argv(original: str) -> list[str] | None:
    """The arguments to run for this SSH command, or None when it is not allowed."""
    try:
        words = shlex.split(original)
    except ValueError:
        return None
    if not words:
        return []  # `ssh host ''`: the dashboard
    for prefix, options in ALLOWED.items():
        if tuple(words[: len(prefix)]) == prefix:
            return words if _options_ok(prefix, words[len(prefix) :], options) else None
    return None


def _options_ok(prefix: tuple[str, ...], rest: list[str], options: dict[str, bool]) -> bool:
    positional: list[str] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        name, eq, _ = word.partition("=")
        if word.startswith("-"):
            if name not in options or (eq and not options[name]):
                return False
            if options[name] and not eq:
                i += 1
                if i >= len(rest):
                    return False
        else:
            positional.append(word)
        i += 1
    if prefix == ("list",):
        return len(positional) == 1 and positional[0] in LIST_KINDS
    return not positional
