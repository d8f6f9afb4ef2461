"""clp-tui's exit codes, for scripts and cron jobs (README and docs say the same).

0 all well; 1 a feed, an item or the cache failed (what was cached is kept), or a
platform refused a moderation action (the decision stays recorded; `decide` also
for a comment not in the cache); 2 bad usage or a bad config file; 130 interrupted
(ctrl+c).
"""

OK = 0
FAILED = 1
USAGE = 2
INTERRUPTED = 130
