"""The till-QRIS tests use the payment tests' stand-in gateway (tests/payments/paykit.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "payments"))
