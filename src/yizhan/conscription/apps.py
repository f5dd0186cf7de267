from django.apps import AppConfig


class ConscriptionConfig(AppConfig):
    name = "yizhan.conscription"
    verbose_name = "兵役登记与征兵"
