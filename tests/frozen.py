"""The one moment the whole suite lives in: every date a test relies on comes from here.

In-process code gets `CLOCK` (a Store's or the App's clock); subprocesses get
`ENV`, which sets `CLP_TUI_NOW` (see clp_tui/clock.py).
"""

from __future__ import annotations

import datetime as dt

from clp_tui.clock import FROZEN_ENV, fixed_clock, stamp

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CLOCK = fixed_clock(NOW)
ENV = {FROZEN_ENV: stamp(NOW)}
