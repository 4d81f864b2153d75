"""The printer: its status, the print queue (list, reprint, cancel) and the manager's "open drawer"."""

from __future__ import annotations

from typing import Literal

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from pos.services import print_jobs

from .common import actor, approval_dict, ctx
from .schemas import Approval, Body

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint("printing_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="printing")], abp_security=BEARER)


class JobsQuery(BaseModel):
    state: Literal["queued", "printing", "printed", "failed", "cancelled"] | None = None
    limit: int = Field(50, ge=1, le=200)


class JobPath(BaseModel):
    job_id: str = Field(max_length=36)


class NumberPath(BaseModel):
    number: str = Field(max_length=48)


class ManagerActIn(Body):
    approval: Approval | None = None
    reason: str | None = Field(None, max_length=200)


class DrawerIn(Body):
    approval: Approval | None = None
    reason: str = Field(min_length=1, max_length=200)


@api.get("/printer", summary="The receipt printer's status and how many receipts wait")
def status():
    actor()
    return print_jobs.printer_status(ctx())


@api.get("/print-jobs", summary="Print jobs, newest first")
def jobs(query: JobsQuery):
    return {"items": print_jobs.list_jobs(ctx(), actor(), query.state, query.limit)}


@api.post("/print-jobs/<job_id>/reprint", summary="Waiting or failed: try now; printed: print a copy (manager)")
def reprint(path: JobPath, body: ManagerActIn):
    return print_jobs.reprint(ctx(), actor(), path.job_id, approval_dict(body.approval), body.reason), 202


@api.post("/print-jobs/<job_id>/cancel", summary="Cancel a waiting or failed print job (manager)")
def cancel(path: JobPath, body: ManagerActIn):
    return print_jobs.cancel(ctx(), actor(), path.job_id, approval_dict(body.approval), body.reason)


@api.post("/receipts/<number>/reprint", summary="Print a copy (SALINAN / COPY) of any receipt (manager)")
def reprint_receipt(path: NumberPath, body: ManagerActIn):
    return print_jobs.reprint_receipt(ctx(), actor(), path.number, approval_dict(body.approval), body.reason), 202


@api.post("/drawer/open", summary="Open the cash drawer with a reason (manager; audit logged)")
def open_drawer(body: DrawerIn):
    return print_jobs.open_drawer(ctx(), actor(), approval_dict(body.approval), body.reason), 202
