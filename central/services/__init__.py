"""Central store use cases; each call is one transaction (the push applies each event in its own)."""
