"""ORM tables of the store database (SQLAlchemy 2.0 typed models)."""
from .base import Base
from .catalog import Category, Product, TaxGroup
from .kiosk import KioskCart
from .loyalty import (LoyaltyAllowance, LoyaltyEntry, LoyaltyMember, LoyaltyRedemption,  # noqa: F401 - issue 5
                      LoyaltySetting, SaleMember)
from .online_carts import OnlineCartCopy, OnlineCartOpen  # noqa: F401 - online carts (issue 6)
from .ops import AuditEntry, Counter, OutboxEvent, Shift, Staff, StaffToken, StockMovement, Till
from .printing import PrintJob, PrinterLease
from .security import SignInThrottle  # noqa: F401 - issue 15
from .sales import Refund, RefundLine, Sale, SaleLine, TenderRow
from .security import IdempotencyKey, KioskDevice, KioskPairingCode  # noqa: F401 - issue 15
from .stock_admin import LowStockThreshold, ReconciliationItem, RemoteStock, StockCount, StockCountLine
from .sync import DeadLetterSeen, Promotion, SyncStatus

__all__ = [
    "AuditEntry", "Base", "Category", "Counter", "OutboxEvent", "Product", "Refund", "RefundLine",
    "Sale", "SaleLine", "Shift", "Staff", "StaffToken", "StockMovement", "TaxGroup", "TenderRow", "Till",
    "KioskCart",
    "LowStockThreshold", "ReconciliationItem", "RemoteStock", "StockCount", "StockCountLine",
    "PrintJob", "PrinterLease",
    "DeadLetterSeen", "Promotion", "SyncStatus",
]
