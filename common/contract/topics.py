"""One model per pull-feed topic: what central puts in a change's `data`, and what the agent reads of it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from .names import Topic
from .wire import Wire, parse


class ProductData(Wire):
    sku: str
    barcode: str | None = None
    name: str
    category: str | None = None
    price: int
    tax_group: str
    unit: str | None = None
    active: bool = True
    # Ride along so a store can create a tax group or category before its own change arrives.
    tax_rate_bp: int | None = None
    tax_name: str | None = None
    category_name: str | None = None
    category_name_en: str | None = None


class ProductDataV2(ProductData):
    """product version 2 (issue 16): how the product is counted and the item code its scale labels carry."""

    measure: Literal["unit", "weight", "label"] = "unit"  # common.measure: weight = price per kg, stock in grams
    plu: str | None = Field(None, max_length=8)


class TaxGroupData(Wire):
    code: str
    name: str | None = None
    rate_bp: int


class CategoryData(Wire):
    code: str
    name: str | None = None
    name_en: str | None = None


class PromotionData(Wire):
    id: str
    name: str
    kind: str
    value: int
    skus: list[str] | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    active: bool | None = None


class PromotionDataV2(PromotionData):
    """promotion version 2: multi-buy kinds "bundle" (`set_qty` items for `set_value` Rupiah) and "free" (every
    `set_qty`, `set_value` of them free). Their `value` is sent as 0: a version-1 agent reads a kind it does not know
    as Rupiah off each item, and skips a promotion worth 0, so it gives no discount rather than a wrong one."""

    set_qty: int | None = Field(None, ge=2, le=1000)
    set_value: int | None = Field(None, ge=1)


class PromotionDataV3(PromotionDataV2):
    """promotion version 3: `mixed`, a multi-buy whose products may be mixed in a set ("Beli 2 Gratis 1, boleh
    campur": common/mixed_sets.py). A version-2 agent ignores it and counts sets on one line of one SKU, which never
    gives more than the mixed rule (so central's check passes what it gives)."""

    mixed: bool | None = None


class StockData(Wire):
    location: str
    name: str | None = None
    sku: str
    on_hand: int
    as_of: str | None = None


class ReconciliationData(Wire):
    id: str
    kind: str
    sku: str | None = None
    ref_id: str | None = None
    message: str | None = None
    detail: dict[str, Any] | None = None
    raised_at: str | None = None
    resolved_at: str | None = None


NOTE_MAX = 500  # characters of a note at central (reconciliation_resolve.NOTE_MAX, its columns' size)
NAME_MAX = 64  # an admin's user name at central


def _cut(most: int) -> BeforeValidator:
    """Text past `most` characters is cut there: a longer note (a central that no longer keeps its limit, a hostile
    one) reaches the manager as its first `most` characters instead of stopping the store's pull."""
    return BeforeValidator(lambda v: v[:most] if isinstance(v, str) else v)


AdminName = Annotated[Annotated[str, Field(max_length=NAME_MAX)] | None, _cut(NAME_MAX)]
Note = Annotated[Annotated[str, Field(max_length=NOTE_MAX)] | None, _cut(NOTE_MAX)]


class ReconciliationDataV2(ReconciliationData):
    """reconciliation version 2: who resolved the task at head office and what they wrote, and who opened it again,
    when and why (the last of each). Every field is optional: a version-1 agent ignores them, and an older central
    sends none; a key left out (a task sent again when it happens again) keeps what the store holds."""

    resolved_by: AdminName = None
    resolution_note: Note = None
    reopened_at: str | None = None
    reopened_by: AdminName = None
    reopen_note: Note = None


class DeadLetterData(Wire):
    event_id: str
    code: str | None = None
    reason: str | None = None
    resolved_at: str | None = None
    resolution: str | None = None


class MemberData(Wire):
    id: str
    number: str
    name: str
    phone: str
    balance: int
    blocked: bool | None = None
    card: Any = None


class LoyaltySettingsData(Wire):
    shop_id: str | None = None
    public_key: str | None = None
    earn_per_amount: int | None = None
    point_value: int | None = None
    rules: list[dict[str, Any]] | None = None


class LoyaltyAllowanceData(Wire):
    id: str
    member_id: str
    points: int
    used: int | None = 0
    expires_at: str


class OnlineCartData(Wire):
    id: str
    code: str
    status: str | None = None
    lines: list[dict[str, Any]] | None = None
    total: int | None = 0
    pickup_store: str | None = None
    reserved_until: str | None = None
    expires_at: str | None = None


class OnlineOrderData(Wire):
    """A paid online order assigned to the store that receives it: what to pick, and how it leaves."""

    id: str
    number: str
    mode: str  # pickup | delivery
    status: str  # assigned | picked | packed | collected | shipped | cancelled
    code_hash: str  # SHA-256 of the hand-over code (the store checks a code offline; it never holds the code)
    lines: list[dict[str, Any]]  # [{"sku", "name", "qty", "unit_price", "net", "picked", "substitute_sku", ...}]
    total: int
    delivery_fee: int = 0
    refunded: int = 0
    customer: str = ""
    address: str = ""
    courier: str = ""
    tracking: str = ""
    paid_at: str | None = None


class TransferLineData(Wire):
    id: str
    sku: str
    name: str | None = None
    requested: int | None = None
    sent: int | None = None
    received: int | None = None


class TransferData(Wire):
    """A transfer as central holds it, sent to both its stores (one change per store)."""

    id: str
    from_store: str
    from_name: str | None = None
    to_store: str
    to_name: str | None = None
    status: str  # requested | declined | sent | received
    note: str | None = None
    lines: list[TransferLineData]
    requested_at: str | None = None
    sent_at: str | None = None
    received_at: str | None = None


class StoreData(Wire):
    """A store of the chain (stock can be transferred to it)."""

    id: str
    name: str | None = None
    active: bool = True


# topic -> (schema version, model). A topic's data changing shape is a new version, as with events.
TOPICS: dict[str, tuple[int, type[Wire]]] = {
    Topic.PRODUCT: (2, ProductDataV2),  # v1 agents ignore measure and plu (extra fields are kept, not read)
    Topic.TAX_GROUP: (1, TaxGroupData),
    Topic.CATEGORY: (1, CategoryData),
    Topic.PROMOTION: (3, PromotionDataV3),  # v1 agents skip a multi-buy (value 0); v2 agents ignore mixed
    Topic.STOCK: (1, StockData),
    Topic.RECONCILIATION: (2, ReconciliationDataV2),  # v1 agents ignore who resolved or reopened it and the notes
    Topic.DEAD_LETTER: (1, DeadLetterData),
    Topic.MEMBER: (1, MemberData),
    Topic.LOYALTY_SETTINGS: (1, LoyaltySettingsData),
    Topic.LOYALTY_ALLOWANCE: (1, LoyaltyAllowanceData),
    Topic.ONLINE_CART: (1, OnlineCartData),
    Topic.ONLINE_ORDER: (1, OnlineOrderData),
    Topic.TRANSFER: (1, TransferData),
    Topic.STORE: (1, StoreData),
}


def check_topic(topic: str, data: dict[str, Any]) -> Wire:
    """The change's data against its topic's model (BadPayload when it does not fit); KeyError for no model."""
    return parse(TOPICS[topic][1], data)
