from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "tutor.library"
    label = "library"
    default_auto_field = "django.db.models.AutoField"
