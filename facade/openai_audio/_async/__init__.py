"""The async client's own code, the one source of the sync client's: scripts/unasync.py rewrites
each module here into the sibling folder (``make generate``)."""
