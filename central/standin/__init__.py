"""The stand-in payment gateway: a small local server speaking Midtrans' contract (Snap page, status, refund,
QRIS charge, signed notifications) so the demo and the tests pay without the internet."""
