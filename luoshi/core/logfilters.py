"""Logging filters: a refused request (403) is an expected answer, worth a warning line but never a traceback."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class NoTracebackForPermissionDenied(logging.Filter):
    """Keeps Django's "Forbidden (Permission denied)" warning but drops the traceback it attaches."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
