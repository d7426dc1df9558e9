"""The staff workspace's pages (``/workspace/``): sign-in required; what each role may do
comes from the APIs the pages call (the feedback workflow's rules, the importers' own)."""

from django.urls import path

from workspace import import_pages, queue_pages

app_name = "workspace"

urlpatterns = [
    path("", queue_pages.queue_page, name="queue"),
    path("items/<str:code>/", queue_pages.item_page, name="item"),
    path("intake/", queue_pages.intake_page, name="intake"),
    path("imports/", import_pages.imports_page, name="imports"),
    path("imports/<uuid:job_id>/", import_pages.import_job_page, name="import-job"),
]
