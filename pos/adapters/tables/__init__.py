"""ORM tables of the store database (SQLAlchemy 2.0 typed models)."""

from .base import Base
from .cash import CashMove
from .catalog import Category, PriceChange, Product, TaxGroup
from .kiosk import KioskCart
from .loyalty import LoyaltyAllowance, LoyaltyEntry, LoyaltyMember, LoyaltyRedemption, LoyaltySetting, SaleMember  # noqa: F401 - issue 5
from .online_carts import OnlineCartCopy, OnlineCartOpen  # noqa: F401 - online carts (issue 6)
from .online_orders import OnlineOrderCopy  # noqa: F401 - online orders fulfilled here (issue 17)
from .ops import (
    RECEIPT_COUNTER,
    AuditEntry,
    Counter,
    OutboxEvent,
    Shift,
    Staff,
    StaffToken,
    StockMovement,
    Till,
    receipt_counter,
)
from .printing import PrinterLease, PrintJob
from .qris import QrisCharge  # noqa: F401 - dynamic QRIS at the till (issue 17)
from .sales import ITEMS_IN_LINES, Refund, RefundLine, Sale, SaleLine, TenderRow
from .security import (  # noqa: F401 - issue 15
    IdempotencyKey,
    KioskDevice,
    KioskPairingCode,
    SignInThrottle,  # noqa: F401 - issue 15
)
from .stock_admin import LowStockThreshold, ReconciliationItem, RemoteStock, StockCount, StockCountLine
from .sync import DeadLetterSeen, Promotion, SyncStatus
from .transfers import KnownStore, Transfer, TransferLine  # noqa: F401 - stock transfers (issue 17)

__all__ = [
    "RECEIPT_COUNTER",
    "receipt_counter",
    "AuditEntry",
    "Base",
    "CashMove",
    "Category",
    "Counter",
    "OutboxEvent",
    "PriceChange",
    "Product",
    "Refund",
    "RefundLine",
    "Sale",
    "SaleLine",
    "ITEMS_IN_LINES",
    "Shift",
    "Staff",
    "StaffToken",
    "StockMovement",
    "TaxGroup",
    "TenderRow",
    "Till",
    "KioskCart",
    "LowStockThreshold",
    "ReconciliationItem",
    "RemoteStock",
    "StockCount",
    "StockCountLine",
    "PrintJob",
    "PrinterLease",
    "DeadLetterSeen",
    "Promotion",
    "SyncStatus",
]
