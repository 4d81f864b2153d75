"""The JSON both servers answer with: keys in the order the code builds them, text such as names as written."""

from __future__ import annotations

from flask.json.provider import DefaultJSONProvider


class PlainJSON(DefaultJSONProvider):
    """Flask's provider, with key order kept (a view's fields read in order) and non-ASCII text not escaped."""

    sort_keys = False
    ensure_ascii = False
