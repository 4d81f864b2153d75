"""Bounds every side enforces alike, so nothing the till accepts is refused later by the central store."""

from __future__ import annotations

# Rp 999.999.999.999: the largest sale, line, tender or refund amount anywhere in the chain (minor units).
# Columns are 64-bit (BIGINT), so sums of many such amounts (a day's revenue, a member's points) still fit.
MAX_AMOUNT = 999_999_999_999

# The largest points figure on one event (earned, redeemed, reversed); balances are sums and may be larger.
MAX_POINTS = MAX_AMOUNT

# Signed 64-bit bounds: anything outside cannot be stored and is refused as bad input (4xx), never a 500.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
