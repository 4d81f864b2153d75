"""The loyalty API stores call with their own bearer token: sign-up, member lookup, holds (two-phase redeem)."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from central.services import loyalty, loyalty_holds
from common.limits import MAX_POINTS

from .sync_api import ctx, store_of_token

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint(
    "loyalty_api", __name__, url_prefix="/api/v1/loyalty", abp_tags=[Tag(name="loyalty")], abp_security=BEARER
)

Uuid = Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignUpIn(_Body):
    name: str = Field(min_length=1, max_length=80)
    phone: str = Field(min_length=6, max_length=24)
    email: str | None = Field(None, max_length=120)


class LookupIn(_Body):
    card: str | None = Field(None, min_length=1, max_length=300, description="the member QR's text")
    phone: str | None = Field(None, min_length=6, max_length=24)
    number: str | None = Field(None, min_length=1, max_length=16)


class HoldIn(_Body):
    hold_id: str = Uuid
    member_id: str = Uuid
    points: int = Field(strict=True, ge=1, le=MAX_POINTS)
    sale_id: str | None = Field(None, max_length=36)
    card: str | None = Field(None, min_length=1, max_length=300, description="the member's QR text, as scanned")
    code: str | None = Field(
        None, min_length=1, max_length=12, description="or the one-time code the member made on their account page"
    )


class HoldPath(BaseModel):
    hold_id: str = Field(max_length=36)


class PostIn(_Body):
    sale_id: str | None = Field(None, max_length=36)


class HoldsQuery(BaseModel):
    state: str | None = Field(None, pattern="^(held|posted|released|expired)$")


@api.post("/members", summary="Sign a shopper up at a store (by phone number)")
def sign_up(body: SignUpIn):
    return loyalty.sign_up(ctx(), body.name, body.phone, body.email, where=store_of_token()), 201


@api.post("/members/lookup", summary="A member by QR, phone or member number, with balance and last 10 entries")
def lookup(body: LookupIn):
    store_of_token()
    return loyalty.lookup(ctx(), card=body.card, phone=body.phone, number=body.number)


@api.get("/settings", summary="The shop id, the member-card public key and the earn and redeem rules")
def settings():
    store_of_token()
    return loyalty.settings_data(ctx())


@api.post(
    "/holds",
    summary="Hold points for a redemption, with the member's QR or one-time code (403 without; 409 if the balance "
    "does not cover it)",
)
def hold(body: HoldIn):
    who = store_of_token()
    return (
        loyalty_holds.hold(
            ctx(), who, body.hold_id, body.member_id, body.points, body.sale_id, card=body.card, code=body.code
        ),
        201,
    )


@api.post("/holds/<hold_id>/post", summary="Use a hold: the points leave the balance")
def post(path: HoldPath, body: PostIn):
    return loyalty_holds.post(ctx(), store_of_token(), path.hold_id, body.sale_id)


@api.post("/holds/<hold_id>/capture", summary="The sale is completing: keep the hold until its sale event posts it")
def capture(path: HoldPath, body: PostIn):
    return loyalty_holds.capture(ctx(), store_of_token(), path.hold_id, body.sale_id)


@api.post("/holds/<hold_id>/release", summary="Give a hold back (the sale was cancelled)")
def release(path: HoldPath):
    return loyalty_holds.release(ctx(), store_of_token(), path.hold_id)


@api.get("/holds", summary="This store's own holds, newest first")
def holds(query: HoldsQuery):
    return {"items": loyalty_holds.store_holds(ctx(), store_of_token(), query.state)}
