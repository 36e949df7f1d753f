"""Wiring: open the knowledge base, start the channels the settings enable, else the console."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def run(settings, open_kb) -> None:
    """Run until interrupted. `open_kb` builds the knowledge base on first use."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    kb = open_kb()
    from handlers.console import run_console

    run_console(kb)
