"""Shared kernel of the store server and the central store: money limits, time, the wire contract."""
