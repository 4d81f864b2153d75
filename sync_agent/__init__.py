"""The sync agent: pushes the store's outbox to the central store and pulls its changes (own process)."""
