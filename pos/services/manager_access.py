"""Who may use the manager screens: a manager's staff code and PIN; a cashier is refused and nothing changes."""
from __future__ import annotations

from pos.adapters.tables import Staff
from pos.domain.errors import DomainError, Forbidden, Unauthorized

from .auth import Actor, _check_pin  # the PIN check with lockout, shared with till sign-in and approvals
from .context import StoreContext

# Back-office acts are not done at a till; audit entries and events name no till for them.
BACKOFFICE_TILL = ""


def sign_in_manager(ctx: StoreContext, staff_code: str, pin: str) -> Actor:
    code, pin = (staff_code or "").strip(), (pin or "").strip()
    if not code or not pin:
        raise DomainError("missing_field", "type your staff code and PIN")
    staff = _check_pin(ctx, code, pin)
    if staff.role != "manager":
        raise Forbidden("not_a_manager", f"staff {code} ({staff.name}) is a {staff.role}: the manager screens are "
                                         "for managers only. Ask a manager to sign in.",
                        staff_code=code, name=staff.name)
    return Actor(staff.id, staff.code, staff.name, staff.role, BACKOFFICE_TILL)


def current_manager(ctx: StoreContext, staff_id: str) -> Actor:
    """The manager a signed cookie names, checked again: a manager since deactivated or demoted is out."""
    with ctx.db.sessions() as s:
        staff = s.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise Unauthorized("signed_out", "your session has ended; sign in again")
    if staff.role != "manager":
        raise Forbidden("not_a_manager", f"staff {staff.code} ({staff.name}) is not a manager any more",
                        staff_code=staff.code, name=staff.name)
    return Actor(staff.id, staff.code, staff.name, staff.role, BACKOFFICE_TILL)
