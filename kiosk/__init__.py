"""The shopper's self-service kiosk: a Flask blueprint at /kiosk, built on pos.services."""
