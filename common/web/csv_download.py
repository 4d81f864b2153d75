"""A CSV file for the browser to save: what every "CSV" link of the back offices answers (the store's manager screens,
head office's admin pages)."""

from __future__ import annotations

from flask import Response


def csv_download(text: str, filename: str) -> Response:
    """`text` (common.csv_export.csv_text) as the file `filename`: UTF-8 with a byte-order mark, so spreadsheet
    programs open names in Bahasa Indonesia and "Rp" correctly."""
    disposition = f'attachment; filename="{filename}"'
    return Response("\ufeff" + text, mimetype="text/csv", headers={"Content-Disposition": disposition})
