from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yizhan.people"
    verbose_name = "人员"
