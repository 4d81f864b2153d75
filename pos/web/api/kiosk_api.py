"""The kiosk's JSON API (no sign-in: a shopper uses it; what prints or sends carts needs a paired kiosk) and the till's side of the kiosk -> till handoff."""

from __future__ import annotations

from typing import Annotated

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from pos.services import kiosk_cart_sales, kiosk_carts, kiosk_catalog, kiosk_scans, online_carts, stock_elsewhere

from .common import actor, ctx
from .idempotent import idempotent
from .kiosk_device import device_name, paired
from .schemas import Body

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
kiosk_api = APIBlueprint("kiosk_api", __name__, url_prefix="/api/v1/kiosk", abp_tags=[Tag(name="kiosk")])
till_kiosk_api = APIBlueprint(
    "till_kiosk_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="till")], abp_security=BEARER
)

KioskQty = Annotated[int, Field(strict=True, ge=1, le=kiosk_carts.MAX_LINE_QTY)]


class KioskProductQuery(BaseModel):
    barcode: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[0-9A-Za-z\-]+$")
    q: str | None = Field(None, max_length=80)
    category: str | None = Field(None, min_length=1, max_length=32)
    limit: int = Field(24, ge=1, le=kiosk_catalog.MAX_PAGE)
    offset: int = Field(0, ge=0, le=100_000)


class KioskLineIn(Body):
    sku: str = Field(min_length=1, max_length=32)
    qty: KioskQty = 1


class KioskCartIn(Body):
    lines: list[KioskLineIn] = Field(min_length=1, max_length=kiosk_carts.MAX_LINES)
    device_id: str = Field("kiosk", min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_\-]+$")


class QuoteIn(Body):
    lines: list[KioskLineIn] = Field(max_length=kiosk_carts.MAX_LINES)


class CodeIn(Body):
    code: str = Field(min_length=1, max_length=80)


class ScanIn(Body):
    code: str = Field(min_length=1, max_length=500, description="what the scanner or camera read, as it read it")


def _pairs(lines: list[KioskLineIn]) -> list[tuple[str, int]]:
    return [(l.sku, l.qty) for l in lines]


class KioskSkuPath(BaseModel):
    sku: str = Field(min_length=1, max_length=32)


@kiosk_api.get("/stock/<sku>/elsewhere", summary="Which other stores and the online shop have this product")
def stock_elsewhere_(path: KioskSkuPath):
    return stock_elsewhere.elsewhere(ctx(), path.sku)


@kiosk_api.get("/categories", summary="Categories with something to sell, in both languages")
def categories():
    return {"items": kiosk_catalog.categories(ctx())}


@kiosk_api.get("/products", summary="Price check by barcode, search by name, or browse a category")
def products(query: KioskProductQuery):
    return kiosk_catalog.browse(
        ctx(), barcode=query.barcode, q=query.q, category=query.category, limit=query.limit, offset=query.offset
    )


@kiosk_api.post("/scan", summary="What a scan is (product, online cart, member QR, till ticket, online order, other)")
def scan(body: ScanIn):
    """Asked by every kiosk step but points (whose refusal says the same): no pairing, like the price check; it
    claims no cart, so a stray scan neither opens anything nor counts against the kiosk's cart limit."""
    return kiosk_scans.what_is(ctx(), body.code)


@kiosk_api.post("/cart/quote", summary="Price the kiosk cart at current prices")
def quote(body: QuoteIn):
    if not body.lines:
        return {"lines": [], "items": 0, "total": 0}
    return kiosk_carts.quote(ctx(), _pairs(body.lines))


@kiosk_api.post("/carts", summary="Send the kiosk cart to the till: a ticket with a short code and a QR")
@paired("cart", "print")
def send_to_till(body: KioskCartIn):
    return kiosk_carts.send_to_till(ctx(), _pairs(body.lines), device_name()), 201


@kiosk_api.post("/online-carts/open", summary="Open a cart started in the online shop (not connected yet: 503)")
@paired("cart")
def open_online_cart(body: CodeIn):
    return online_carts.open_cart(ctx(), body.code, device_name())


@till_kiosk_api.get("/kiosk-carts", summary="Kiosk carts waiting for a till")
def waiting():
    actor()
    return {"items": kiosk_carts.waiting_carts(ctx())}


@till_kiosk_api.post("/kiosk-carts/take", summary="Take a kiosk cart (K-12 or its QR) into this till's open sale, once")
@idempotent
def take(body: CodeIn):
    return kiosk_cart_sales.take(ctx(), actor(), body.code)
