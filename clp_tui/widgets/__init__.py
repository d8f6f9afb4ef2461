"""Small reusable widgets: they draw, and never do I/O."""
