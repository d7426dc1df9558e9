"""Surveys in the admin: the list of surveys and, on each, its questions and a count of its
answer sets.

The admin follows the rules of the API (``surveys.services``): a survey is made through the
API (its area is a checked target area), only a draft's texts, window and questions can be
changed here, and a published or closed survey's questions are frozen (residents answered
them). Answer sets are never shown one by one: they hold a resident's keyed hash and exact
point, so the admin counts them and no more.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidParameter
from surveys.models import Question, Survey, SurveyStatus
from surveys.questions import parse_question
from surveys.survey_input import check_window

_TEXTS = ("title_vi", "title_en", "description_vi", "description_en", "opens_at", "closes_at")
_ALWAYS_READ_ONLY = (
    "status",
    "area_kind",
    "area_spec",
    "ward_codes",
    "area_generation",
    "area_radius_m",
    "created_by",
    "created_at",
    "published_at",
    "closed_at",
    "answers",
)


def _is_draft(survey: Survey | None) -> bool:
    return survey is not None and survey.status == SurveyStatus.DRAFT


class QuestionForm(forms.ModelForm):
    """A draft's question, checked by the API's own rules (``surveys.questions``)."""

    class Meta:
        model = Question
        fields = (
            "order", "kind", "required", "text_vi", "text_en", "choices", "min_value", "max_value",
        )  # fmt: skip

    def clean(self) -> dict:
        """The question normalised as the API stores it; its first problem as an error."""
        data = super().clean()
        if self.errors:
            return data
        spec = {
            "kind": data.get("kind"),
            "required": bool(data.get("required")),
            "text_vi": data.get("text_vi") or "",
            "text_en": data.get("text_en") or "",
            "choices": data.get("choices"),
            "min": data.get("min_value"),
            "max": data.get("max_value"),
        }
        try:
            draft = parse_question(spec, "question")
        except InvalidParameter as refusal:
            raise ValidationError(refusal.message) from None
        data.update(draft.__dict__)
        return data


class QuestionInline(admin.TabularInline):
    """A survey's questions: changeable on a draft, frozen (read-only) once published."""

    model = Question
    form = QuestionForm
    extra = 0

    def has_add_permission(self, request, obj: Survey | None = None) -> bool:
        """Questions are added to a draft only."""
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj: Survey | None = None) -> bool:
        """A published or closed survey's questions are frozen."""
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj: Survey | None = None) -> bool:
        """A published or closed survey's questions are frozen."""
        return _is_draft(obj) and super().has_delete_permission(request, obj)


class SurveyForm(forms.ModelForm):
    """A draft's texts and window; the window must close after it opens."""

    class Meta:
        model = Survey
        fields = _TEXTS

    def clean(self) -> dict:
        """The API's window rule (``surveys.survey_input.check_window``)."""
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at is not None and closes_at is not None:
            try:
                check_window(opens_at, closes_at)
            except InvalidParameter as refusal:
                self.add_error("closes_at", refusal.message)
        return data


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Surveys by status and window, with how many answer sets each holds."""

    form = SurveyForm
    inlines = [QuestionInline]
    list_display = (
        "title_vi", "status", "opens_at", "closes_at", "area_kind", "created_by", "answers",
    )  # fmt: skip
    list_filter = ("status", "area_kind")
    search_fields = ("title_vi", "title_en")
    fields = (*_TEXTS, *_ALWAYS_READ_ONLY)

    def get_queryset(self, request) -> QuerySet:
        """Surveys with their count of answer sets (never the sets themselves)."""
        queryset = super().get_queryset(request).select_related("created_by")
        return queryset.annotate(answer_count=Count("answer_sets"))

    @admin.display(description=_("Answers"), ordering="answer_count")
    def answers(self, survey: Survey) -> int:
        """How many residents answered."""
        if hasattr(survey, "answer_count"):
            return survey.answer_count
        return survey.answer_sets.count()

    def get_readonly_fields(self, request, obj: Survey | None = None) -> tuple[str, ...]:
        """Everything but a draft's texts and window (the area and status change through
        the API, which checks them)."""
        if _is_draft(obj):
            return _ALWAYS_READ_ONLY
        return (*_TEXTS, *_ALWAYS_READ_ONLY)

    def has_add_permission(self, request) -> bool:
        """Surveys are made through the API, which checks their target area."""
        return False

    def has_delete_permission(self, request, obj: Survey | None = None) -> bool:
        """Only a draft can be deleted: a published survey's answers are a record."""
        if obj is not None and not _is_draft(obj):
            return False
        return super().has_delete_permission(request, obj)
