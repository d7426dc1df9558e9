"""URLs of the notices API (under /api/v1/notices/)."""

from django.urls import path

from notices import api, feeds

app_name = "notices"

urlpatterns = [
    path("", api.NoticeList.as_view(), name="list"),
    path("manage/", api.ManagedNoticeList.as_view(), name="manage"),
    path("<int:notice_id>/", api.NoticeDetail.as_view(), name="detail"),
    path("<int:notice_id>/publish/", api.Publish.as_view(), name="publish"),
    path("<int:notice_id>/withdraw/", api.Withdraw.as_view(), name="withdraw"),
    path("wards/<str:code>/feed.atom", feeds.ward_feed, name="ward-feed"),
]
