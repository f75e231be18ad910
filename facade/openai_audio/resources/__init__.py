"""One module per API resource; each holds a sync and an async class."""
