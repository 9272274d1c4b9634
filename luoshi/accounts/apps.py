from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luoshi.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from luoshi.accounts import signals  # noqa: F401
