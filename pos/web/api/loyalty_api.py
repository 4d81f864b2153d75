"""Members and points at the till (attach a member, redeem points, sign up) and the kiosk's points lookup."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field, model_validator

from common.limits import MAX_POINTS
from pos.services import kiosk_members, loyalty, loyalty_redeem

from .common import actor, ctx
from .idempotent import idempotent
from .kiosk_device import paired
from .schemas import Body, SalePath

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint("loyalty_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="loyalty")], abp_security=BEARER)
kiosk_points_api = APIBlueprint("kiosk_points_api", __name__, url_prefix="/api/v1/kiosk", abp_tags=[Tag(name="kiosk")])


class MemberIn(Body):
    card: str | None = Field(None, min_length=1, max_length=300, description="the member QR's text, as scanned")
    phone: str | None = Field(None, min_length=6, max_length=24)

    @model_validator(mode="after")
    def _one(self) -> MemberIn:
        if not self.card and not self.phone:
            raise ValueError("send the scanned member QR (card) or a phone number")
        return self


class PointsIn(Body):
    points: int | None = Field(
        None,
        strict=True,
        ge=1,
        le=MAX_POINTS,
        description="points to use; omitted = as many as the balance and the sale allow",
    )
    code: str | None = Field(
        None,
        min_length=4,
        max_length=12,
        pattern=r"^[0-9 \-]+$",
        description="the one-time code the member made on their account page (a member found by phone needs it)",
    )


class SignUpIn(Body):
    name: str = Field(min_length=1, max_length=80)
    phone: str = Field(min_length=6, max_length=24)


class KioskSignUpIn(Body):
    # no minimum here: the service answers an empty name or phone with a message the shopper can act on
    name: str = Field("", max_length=120)
    phone: str = Field("", max_length=24)


class CardIn(Body):
    card: str = Field(min_length=1, max_length=300)


@api.post("/sales/<sale_id>/member", summary="Attach a member to the open sale by QR or phone number")
def attach(path: SalePath, body: MemberIn):
    return loyalty.attach(ctx(), actor(), path.sale_id, card=body.card, phone=body.phone)


@api.get("/sales/<sale_id>/member", summary="The member on a sale and the points it earns")
def get_member(path: SalePath):
    actor()
    return loyalty.sale_member(ctx(), path.sale_id)


@api.delete("/sales/<sale_id>/member", summary="Take the member off the open sale")
def detach(path: SalePath):
    return loyalty.detach(ctx(), actor(), path.sale_id)


@api.post(
    "/sales/<sale_id>/points",
    summary="Pay with the member's points (a hold at central, or the offline allowance when central cannot be reached)",
)
@idempotent
def redeem(path: SalePath, body: PointsIn):
    return loyalty_redeem.redeem(ctx(), actor(), path.sale_id, body.points, body.code), 201


@api.post("/members", summary="Sign a shopper up as a member (by phone; needs the central store)")
def sign_up(body: SignUpIn):
    return loyalty.sign_up(ctx(), actor(), body.name, body.phone), 201


@kiosk_points_api.post("/points", summary="A scanned member QR -> masked name, balance and the last 10 entries")
@paired()
def kiosk_points(body: CardIn):
    return kiosk_members.kiosk_points(ctx(), body.card)


@kiosk_points_api.post("/members", summary="A shopper signs up at the kiosk (name + phone; needs the central store)")
@paired()
def kiosk_sign_up(body: KioskSignUpIn):
    return kiosk_members.kiosk_sign_up(ctx(), body.name, body.phone), 201
