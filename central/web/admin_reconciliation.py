"""The open reconciliation tasks as CSV, for head office to send on or keep: the rows the dashboard lists, each
said as it says it (admin.task_said) in the admin's language."""

from __future__ import annotations

from flask import Blueprint

from central.services import reconciliation_admin
from common.csv_export import csv_text
from common.web.csv_download import csv_download

from .admin import _when, _word, ctx, signed_in, task_said, tr

admin_reconciliation = Blueprint("admin_reconciliation", __name__, url_prefix="/admin")

COLUMNS = [("store", "text"), ("store_id", "text"), ("since", "text"), ("kind", "text"), ("what", "text")]
COLUMNS += [("times", "int")]
HEADERS = {"store": "dash.store", "store_id": "dash.store_code", "since": "recon.since", "kind": "recon.kind"}
HEADERS |= {"what": "recon.what", "times": "recon.times"}


@admin_reconciliation.get("/reconciliation.csv")
@signed_in
def as_csv():
    rows = [
        {
            "store": r["store_name"],
            "store_id": r["store_id"],
            "since": _when(r["raised_at"]),
            "kind": _word("recon", r["kind"]),
            "what": task_said(r) or r["message"],
            "times": r["occurrences"],
        }
        for r in reconciliation_admin.open_items(ctx())
    ]
    body = csv_text(COLUMNS, rows, header=lambda key: tr(HEADERS[key]))
    return csv_download(body, "reconciliation.csv")
