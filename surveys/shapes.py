"""Surveys as JSON: the staff view (both languages, the area as specified, its geometry)
and the residents' view (one language, the questions to answer)."""

import json

from surveys.models import AnswerSet, Question, Survey


def _pick(vi: str, en: str, language: str) -> str:
    return (en if language == "en" else "") or vi


def question_json(question: Question, language: str) -> dict:
    """A question in the asked language (Vietnamese when English is missing)."""
    body = {
        "id": question.pk,
        "order": question.order,
        "kind": question.kind,
        "required": question.required,
        "text": _pick(question.text_vi, question.text_en, language),
    }
    if question.choices:
        body["choices"] = [
            {"code": c["code"], "label": _pick(c["vi"], c.get("en", ""), language)}
            for c in question.choices
        ]
    if question.kind == "number":
        body["min"], body["max"] = question.min_value, question.max_value
    if question.kind == "scale":
        body["min"], body["max"] = 1, 5
    return body


def staff_question_json(question: Question) -> dict:
    """A question as staff wrote it (both languages)."""
    return {
        "id": question.pk,
        "order": question.order,
        "kind": question.kind,
        "required": question.required,
        "text_vi": question.text_vi,
        "text_en": question.text_en,
        "choices": question.choices,
        "min": question.min_value,
        "max": question.max_value,
    }


def public_survey_json(survey: Survey, language: str) -> dict:
    """A published survey for residents: texts in one language, window, questions."""
    return {
        "id": survey.pk,
        "title": _pick(survey.title_vi, survey.title_en, language),
        "description": _pick(survey.description_vi, survey.description_en, language),
        "opens_at": survey.opens_at.isoformat(),
        "closes_at": survey.closes_at.isoformat(),
        "questions": [question_json(q, language) for q in survey.questions.all()],
    }


def staff_survey_json(survey: Survey) -> dict:
    """A survey as staff manage it: every field, the area's geometry as GeoJSON."""
    return {
        "id": survey.pk,
        "status": survey.status,
        "title_vi": survey.title_vi,
        "title_en": survey.title_en,
        "description_vi": survey.description_vi,
        "description_en": survey.description_en,
        "opens_at": survey.opens_at.isoformat(),
        "closes_at": survey.closes_at.isoformat(),
        "area": survey.area_spec,
        "area_kind": survey.area_kind,
        "area_geometry": json.loads(survey.area.geojson),
        "ward_codes": survey.ward_codes,
        "created_at": survey.created_at.isoformat(),
        "published_at": survey.published_at.isoformat() if survey.published_at else None,
        "closed_at": survey.closed_at.isoformat() if survey.closed_at else None,
        "questions": [staff_question_json(q) for q in survey.questions.all()],
    }


def answer_set_json(answer_set: AnswerSet) -> dict:
    """A resident's own answer set as stored (to the resident only: no point, no key)."""
    return {
        "survey": answer_set.survey_id,
        "ward": answer_set.ward.code if answer_set.ward else None,
        "answers": answer_set.answers,
        "created_at": answer_set.created_at.isoformat(),
        "updated_at": answer_set.updated_at.isoformat(),
    }
