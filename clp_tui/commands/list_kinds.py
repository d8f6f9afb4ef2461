"""What `clp-tui list` prints, by the name given on the command line, and the kind of
item each name means. Apart from the command itself (commands/listing.py), so the
command line can offer the names without importing what the listing reads with (the
board's data, the decision log: ~13 ms of every other command's start)."""

LIST_KINDS = {"milestones": "milestone", "activity": "activity", "comments": "comment", "press": "press"}
