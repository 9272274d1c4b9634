"""``python -m luoshi.extract extract FILE…`` / ``python -m luoshi.extract evaluate_extraction FOLDER``."""

import sys

from luoshi.extract.cli import main

sys.exit(main(sys.argv[1:] or ["extract", "--help"]))
