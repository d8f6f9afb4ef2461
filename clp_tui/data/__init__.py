"""Fetching, parsing and caching feeds. Never imports Textual."""
