"""clp-tui: a terminal dashboard for Constituency Labour Party officers."""

__version__ = "0.1.0"
