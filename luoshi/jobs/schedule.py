"""Schedules of periodic work read on the project's wall clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY


def local_crontab(**fields: str) -> Callable[[dt.datetime], bool]:
    """A huey ``crontab`` read on the project's wall clock (``TIME_ZONE``), whatever clock huey keeps.

    Huey hands periodic tests a naive UTC time when ``utc`` is on (its default), so a plain
    ``crontab(hour="1")`` would fire at 09:00 in Shanghai.
    """
    matches = crontab(strict=True, **fields)
    zone = ZoneInfo(settings.TIME_ZONE)

    def validate(moment: dt.datetime) -> bool:
        if HUEY.utc:
            moment = moment.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
        return bool(matches(moment))

    return validate
