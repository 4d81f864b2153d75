"""ORM tables of the store database (SQLAlchemy 2.0 typed models)."""
from .base import Base
from .catalog import Category, Product, TaxGroup
from .ops import AuditEntry, Counter, OutboxEvent, Shift, Staff, StaffToken, StockMovement, Till
from .sales import Refund, RefundLine, Sale, SaleLine, TenderRow

__all__ = [
    "AuditEntry", "Base", "Category", "Counter", "OutboxEvent", "Product", "Refund", "RefundLine",
    "Sale", "SaleLine", "Shift", "Staff", "StaffToken", "StockMovement", "TaxGroup", "TenderRow", "Till",
]
