"""The one place python-escpos is imported, on first use.

Importing escpos runs `logging.basicConfig()` (which would take over the app's logging) and `mkdtemp()`
for a capabilities cache (a new temp dir per process). Both are neutralised here.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from types import ModuleType

_lock = threading.Lock()
_modules: dict[str, ModuleType] = {}


def escpos() -> tuple[ModuleType, ModuleType, ModuleType]:
    """(escpos.printer, escpos.constants, escpos.exceptions), imported once."""
    with _lock:
        if not _modules:
            cache = Path(tempfile.gettempdir()) / "omnitoko-escpos"
            cache.mkdir(parents=True, exist_ok=True)
            os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
            root = logging.getLogger()
            guard = None
            if not root.handlers:  # basicConfig() does nothing when the root logger has a handler
                guard = logging.NullHandler()
                root.addHandler(guard)
            try:
                import escpos.constants
                import escpos.exceptions
                import escpos.printer
            finally:
                if guard is not None:
                    root.removeHandler(guard)
            root.addFilter(_quiet_escpos_info)
            _modules.update(printer=escpos.printer, constants=escpos.constants, exceptions=escpos.exceptions)
    return _modules["printer"], _modules["constants"], _modules["exceptions"]


def _quiet_escpos_info(record: logging.LogRecord) -> bool:
    """python-escpos logs "printer enabled" / "closing connection" on the root logger for every job."""
    return record.levelno >= logging.WARNING or f"{os.sep}escpos{os.sep}" not in record.pathname
