from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yanglao.accounts"
    label = "accounts"
    verbose_name = "账户"
