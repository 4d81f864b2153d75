"""The wire contract between store and central: names, one model per event type/version and feed topic."""
