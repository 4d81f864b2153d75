"""A CSV file for the browser to save: what every "CSV" link of the back offices answers (the store's manager screens,
head office's admin pages)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context


def csv_download(text: str, filename: str) -> Response:
    """`text` (common.csv_export.csv_text) as the file `filename`: UTF-8 with a byte-order mark, so spreadsheet
    programs open names in Bahasa Indonesia and "Rp" correctly."""
    return Response("\ufeff" + text, mimetype="text/csv", headers=_saved_as(filename))


def csv_stream(parts: Iterable[str], filename: str) -> Response:
    """A CSV file sent as it is made (common.csv_export.csv_chunks: a table too long to hold at once), the same
    way: the byte-order mark first. The parts are made within the request (its language, its database)."""

    def body() -> Iterator[str]:
        yield "\ufeff"
        yield from parts

    return Response(stream_with_context(body()), mimetype="text/csv", headers=_saved_as(filename))


def _saved_as(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}
