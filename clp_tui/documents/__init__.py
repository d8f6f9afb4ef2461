"""Documents: the answers of `clp_tui.data` laid out for people to read or hand on.

The meeting report and the GLU evidence pack are written in a small document model
(`model`) and rendered to Markdown (`markdown`) or self-contained HTML (`html`); the
report draws its charts as inline SVG (`charts`); the decision log goes out as CSV or
JSON (`decisions`).

Feed text is untrusted wherever it goes, so the renderers treat every string as
untrusted unless it is marked `Safe` (words and figures clp-tui writes itself).
In Markdown untrusted text is backslash-escaped (it cannot form links, emphasis,
HTML or table cells) or shown in code spans and fences longer than any run of
backticks inside it; in HTML it goes through `html.escape`, only ever as element
text, never into an attribute. Control and bidi characters become the visible
placeholders of `text.clean`. No document carries JavaScript or loads anything
from elsewhere. Nothing here reads the store or knows the UI.
"""
