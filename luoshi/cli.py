"""The ``luoshi`` console command: Django's management commands, usable from any folder.

``luoshi extract`` and ``luoshi evaluate_extraction`` go straight to the extractor library, without
setting up Django.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] in ("extract", "evaluate_extraction"):
        from luoshi.extract.cli import main as extract_main

        sys.exit(extract_main(args))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi", *args])


if __name__ == "__main__":
    main()
