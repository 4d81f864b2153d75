"""ORM tables of the central database (SQLAlchemy 2.0 typed models, own metadata)."""

from .base import CentralBase
from .carts import CartOrder, CartReservation, OnlineCart, OnlineCartLine  # noqa: F401 - online carts (issue 6)
from .cash import CashMoveRecord  # noqa: F401 - cash in and out of the tills' drawers
from .catalog import Category, PriceHistory, Product, Promotion, PromotionTerms, TaxGroup
from .events import Alert, AppliedEvent, DeadLetter, ReconciliationItem
from .facts import Refund, RefundLine, Sale, SaleLine, ShiftRecord, Tender
from .feed import Change
from .loyalty import (  # noqa: F401 - loyalty (issue 5)
    Member,
    MemberStore,
    OfflineAllowance,
    PointsEntry,
    PointsHold,
    SpendCode,
)
from .orders import OnlineOrder, OrderRefund  # noqa: F401 - fulfilment by stores (issue 17)
from .payments import Payment, PaymentNotification, PaymentRefund  # noqa: F401 - payments (issue 17)
from .rules import LoyaltyRule  # noqa: F401 - the earn rule's history (issue 13)
from .stock import Location, StockEntry, StockLevel
from .stores import AdminSession, AdminUser, CentralMeta, SignInThrottle, Store  # noqa: F401 - sessions (issue 15)
from .till_charges import TillCharge, TillChargeRefund  # noqa: F401 - dynamic QRIS at the till (issue 17)
from .transfers import Transfer, TransferLine  # noqa: F401 - stock transfers (issue 17)

__all__ = [
    "AdminUser",
    "Alert",
    "AppliedEvent",
    "Category",
    "CentralBase",
    "CentralMeta",
    "Change",
    "DeadLetter",
    "Location",
    "PriceHistory",
    "Product",
    "Promotion",
    "PromotionTerms",
    "ReconciliationItem",
    "Refund",
    "RefundLine",
    "Sale",
    "SaleLine",
    "ShiftRecord",
    "StockEntry",
    "StockLevel",
    "Store",
    "TaxGroup",
    "Tender",
]
