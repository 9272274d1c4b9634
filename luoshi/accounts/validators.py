"""Password policy pieces whose messages Django leaves untranslated."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length rule with a Chinese message (Django 5.2's zh-hans catalogue misses it)."""

    def get_error_message(self) -> str:
        return gettext("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return gettext("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
