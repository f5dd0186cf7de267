from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "yizhan.benefits"
    verbose_name = "优抚"
