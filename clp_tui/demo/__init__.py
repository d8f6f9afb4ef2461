"""A fictional CLP, big generated feeds and a loopback server for demos, tests and benchmarks."""
