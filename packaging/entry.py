"""The frozen app's entry point: what `python -m app` does (app/__main__.py), for PyInstaller."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Before the app's own imports: a worker process started by `verify` (spawned from this same
    # executable) does its one job inside freeze_support and never reaches the rest.
    multiprocessing.freeze_support()
    from app.cli import main

    sys.exit(main())
