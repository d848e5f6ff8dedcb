"""Entry point only: see coprod_gui.app (DESIGN.md §6 for the command line)."""

import sys

from coprod_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
