"""URLs of the workdays app."""

urlpatterns: list = []
