"""Pure business rules of the store: no Flask, SQLAlchemy, requests or escpos here."""
