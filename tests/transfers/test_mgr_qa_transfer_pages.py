"""The transfer screen asks before a store declines another store's request (the request is gone once declined)."""

from __future__ import annotations

import html

from synckit import central, pg_url  # noqa: F401
from test_transfer_pages import signed_in
from transferkit import AQUA_330, pair  # noqa: F401

from pos.services import transfers


def test_declining_a_request_asks_first_naming_it_and_the_store_that_asked(central, pair):
    a, b = pair
    asked = transfers.request(b.ctx, b.manager, "TOKO-01", [(AQUA_330, 12)], note="habis")
    b.sync()
    a.sync()
    page = html.unescape(signed_in(a.ctx).get("/manager/transfers?lang=id").get_data(as_text=True))
    form = page[page.index(f'data-transfer="{asked["id"]}"') :]
    decline = form[form.index("/decline") : form.index("</form>")]
    assert 'data-confirm="Tolak permintaan' in decline and "dari Omnitoko Depok?" in decline, decline
