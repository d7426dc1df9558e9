"""URLs of the surveys API (under /api/v1/surveys/)."""

from django.urls import path

from surveys import api

urlpatterns = [
    path("", api.SurveyList.as_view(), name="surveys"),
    path("open/", api.OpenSurveys.as_view(), name="surveys-open"),
    path("<int:survey_id>/", api.SurveyDetail.as_view(), name="survey"),
    path("<int:survey_id>/publish/", api.Publish.as_view(), name="survey-publish"),
    path("<int:survey_id>/close/", api.Close.as_view(), name="survey-close"),
    path("<int:survey_id>/answers/", api.Answers.as_view(), name="survey-answers"),
    path("<int:survey_id>/results/", api.Results.as_view(), name="survey-results"),
    path(
        "<int:survey_id>/results.csv",
        api.Results.as_view(),
        {"fmt": "csv"},
        name="survey-results-csv",
    ),
]
