import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # verify_files runs its checks in worker processes; a frozen build must let them start.
    multiprocessing.freeze_support()
    sys.exit(main())
