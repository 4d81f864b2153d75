"""The one place python-escpos is imported, on first use.

Importing escpos runs `logging.basicConfig()` (which would take over the app's logging) and `mkdtemp()`
for a capabilities cache (a new temp dir per process). Both are neutralised here.
"""

from __future__ import annotations

import logging
import os
import pickle
import platform
import shutil
import sys
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
            private = _capabilities_cache()
            root = logging.getLogger()
            guard = None
            if not root.handlers:  # basicConfig() does nothing when the root logger has a handler
                guard = logging.NullHandler()
                root.addHandler(guard)
            try:
                try:
                    import escpos.printer
                except (EOFError, pickle.UnpicklingError):  # a half-written pickle from an older process
                    private = _discard_broken_cache()
                    import escpos.printer
                import escpos.constants
                import escpos.exceptions
            finally:
                if guard is not None:
                    root.removeHandler(guard)
                if private is not None:
                    _publish_cache(private)
            root.addFilter(_quiet_escpos_info)
            _modules.update(printer=escpos.printer, constants=escpos.constants, exceptions=escpos.exceptions)
    return _modules["printer"], _modules["constants"], _modules["exceptions"]


_CACHE_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def _shared_cache() -> Path:
    return Path(tempfile.gettempdir()) / "omnitoko-escpos"


def _capabilities_cache() -> Path | None:
    """Where escpos reads its capabilities pickle. escpos writes the pickle in place when it is missing, and a
    process starting meanwhile would read half a file (EOFError): so a missing pickle is written in a private
    folder first and moved into the shared one whole (`_publish_cache`). Returns that private folder, if any."""
    if _CACHE_ENV in os.environ:
        return None
    shared = _shared_cache()
    shared.mkdir(parents=True, exist_ok=True)
    if (shared / _pickle_name()).exists():
        os.environ[_CACHE_ENV] = str(shared)
        return None
    private = Path(tempfile.mkdtemp(prefix="new-", dir=shared))
    os.environ[_CACHE_ENV] = str(private)
    return private


def _discard_broken_cache() -> Path:
    """Forget the half-imported escpos and the unreadable pickle; import again writing a private pickle."""
    for name in [m for m in sys.modules if m == "escpos" or m.startswith("escpos.")]:
        del sys.modules[name]
    broken = Path(os.environ.get(_CACHE_ENV, str(_shared_cache()))) / _pickle_name()
    broken.unlink(missing_ok=True)
    private = Path(tempfile.mkdtemp(prefix="new-", dir=_shared_cache()))
    os.environ[_CACHE_ENV] = str(private)
    return private


def _publish_cache(private: Path) -> None:
    shared = _shared_cache()
    try:
        os.replace(private / _pickle_name(), shared / _pickle_name())  # atomic: readers see none or all of it
    except OSError:
        pass  # escpos could not write it: the next process tries again
    shutil.rmtree(private, ignore_errors=True)
    os.environ[_CACHE_ENV] = str(shared)


def _pickle_name() -> str:
    return f"{platform.python_version()}.capabilities.pickle"  # escpos' own name for it


def _quiet_escpos_info(record: logging.LogRecord) -> bool:
    """python-escpos logs "printer enabled" / "closing connection" on the root logger for every job."""
    return record.levelno >= logging.WARNING or f"{os.sep}escpos{os.sep}" not in record.pathname
