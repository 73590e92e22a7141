import sys

from app.cli import main

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # verify_files runs its checks in worker processes; a frozen build must let them start.
        # Not otherwise: importing multiprocessing costs start-up about 25 ms for nothing.
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
