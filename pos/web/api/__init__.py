"""The store's JSON API under /api/v1: what the till page itself uses."""
