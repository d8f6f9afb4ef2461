"""The `/` filter language: plain words match text; `field:value` matches a field.

    bins platform:x owner:"Data Officer"  ->  text ["bins"], fields {platform: ["x"], owner: ["data officer"]}

Every term must match (AND); several values for one field match any (OR).
Matching is case-insensitive. Words match anywhere in the text; a field value
matches the start of any word of the field, so `platform:x` finds X but not
Nextdoor, and `owner:data` finds "Data Officer".
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

_TERM = re.compile(r"^([a-z_]+):(.*)$", re.IGNORECASE)


@dataclass(slots=True)
class Filter:
    text: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.text or self.fields)

    def unknown_fields(self, known: set[str]) -> list[str]:
        return sorted(set(self.fields) - known)

    def matches(self, text: str, values: dict[str, str | None]) -> bool:
        """True when every word is in `text` and every field term matches `values`."""
        haystack = text.lower()
        if any(word not in haystack for word in self.text):
            return False
        for name, wanted in self.fields.items():
            value = (values.get(name) or "").lower()
            if not any(field_matches(value, w) for w in wanted):
                return False
        return True


def field_matches(value: str, wanted: str) -> bool:
    """`wanted` starts `value` or one of its words (both already lower case)."""
    return value.startswith(wanted) or f" {wanted}" in f" {value}"


def parse_filter(query: str) -> Filter:
    try:
        terms = shlex.split(query)
    except ValueError:  # an unbalanced quote while the officer is still typing
        terms = query.split()
    result = Filter()
    for term in terms:
        match = _TERM.match(term)
        if match and match.group(2):
            result.fields.setdefault(match.group(1).lower(), []).append(match.group(2).lower())
        elif not match:
            result.text.append(term.lower())
    return result
