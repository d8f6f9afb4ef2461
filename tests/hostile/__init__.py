"""The adversarial suite: hostile servers, hostile feeds, kills, full disks and several officers."""
