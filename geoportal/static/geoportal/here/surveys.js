/*
 * The surveys open at the chosen place: each a form of its questions (single and multiple
 * choice, a 1-5 scale, a number, free text; required ones marked), answered with the
 * place's point. The API checks everything: its refusals (400 naming the question, 409
 * outside the area or closed, 401) are shown as it words them.
 */

import { forgetResident, residentHeaders, residentToken } from "../resident.js";
import { ApiError, apiUrl, callApi, dateTime, element, format, text, urls } from "./common.js";

const section = document.getElementById("here-surveys");
const list = document.getElementById("here-survey-list");
const listStatus = document.getElementById("here-surveys-status");
const listError = document.getElementById("here-surveys-error");

let place = null;
let seq = 0;

function legendOf(question, id) {
  const legend = element("legend", { id }, question.text);
  if (question.required) {
    legend.append(
      " ",
      element("span", { class: "here-required", "aria-hidden": "true", text: "*" }),
      element("span", { class: "visually-hidden", text: text.required }),
    );
  }
  return legend;
}

function choiceInputs(question, prefix, type) {
  return question.choices.map((choice, index) =>
    element(
      "label",
      { class: "here-choice" },
      element("input", { type, name: prefix, value: choice.code, id: `${prefix}-${index}` }),
      ` ${choice.label}`,
    ),
  );
}

function scaleInputs(question, prefix) {
  const options = [1, 2, 3, 4, 5].map((score) =>
    element(
      "label",
      { class: "here-choice" },
      element("input", { type: "radio", name: prefix, value: String(score) }),
      ` ${score}`,
    ),
  );
  const hint = element("p", { class: "here-hint", id: `${prefix}-hint`, text: `${text.scaleLow} · ${text.scaleHigh}` });
  return [hint, element("div", { class: "here-scale-options" }, ...options)];
}

function fieldOf(question, surveyId) {
  const prefix = `here-s${surveyId}-q${question.id}`;
  const fieldset = element("fieldset", { class: "here-question", "data-question": String(question.id), "data-kind": question.kind });
  fieldset.append(legendOf(question, `${prefix}-legend`));
  if (question.kind === "single") fieldset.append(...choiceInputs(question, prefix, "radio"));
  else if (question.kind === "multiple") fieldset.append(...choiceInputs(question, prefix, "checkbox"));
  else if (question.kind === "scale") {
    fieldset.append(...scaleInputs(question, prefix));
    fieldset.setAttribute("aria-describedby", `${prefix}-hint`);
  } else if (question.kind === "number") {
    const hasRange = question.min !== null && question.max !== null;
    const hint = hasRange ? format(text.numberRange, { min: question.min, max: question.max }) : text.numberAny;
    fieldset.append(
      element("input", {
        type: "number",
        step: "any",
        name: prefix,
        "aria-labelledby": `${prefix}-legend`,
        "aria-describedby": `${prefix}-hint`,
        min: question.min ?? null,
        max: question.max ?? null,
      }),
      element("p", { class: "here-hint", id: `${prefix}-hint`, text: hint }),
    );
  } else {
    fieldset.append(element("textarea", { name: prefix, rows: "3", maxlength: "2000", "aria-labelledby": `${prefix}-legend` }));
  }
  return fieldset;
}

/** The answers in the form, keyed by question id; unanswered ones left out. */
function answersOf(form) {
  const answers = {};
  for (const fieldset of form.querySelectorAll("fieldset[data-question]")) {
    const id = fieldset.dataset.question;
    const kind = fieldset.dataset.kind;
    if (kind === "single" || kind === "scale") {
      const checked = fieldset.querySelector("input:checked");
      if (checked) answers[id] = kind === "scale" ? Number(checked.value) : checked.value;
    } else if (kind === "multiple") {
      const codes = [...fieldset.querySelectorAll("input:checked")].map((input) => input.value);
      if (codes.length) answers[id] = codes;
    } else if (kind === "number") {
      const raw = fieldset.querySelector("input").value.trim();
      if (raw !== "") answers[id] = Number(raw);
    } else {
      const value = fieldset.querySelector("textarea").value;
      if (value.trim()) answers[id] = value;
    }
  }
  return answers;
}

function markInvalid(form, parameter) {
  for (const fieldset of form.querySelectorAll("fieldset.here-invalid")) fieldset.classList.remove("here-invalid");
  const match = /^answers\.(\d+)$/.exec(parameter || "");
  if (!match) return;
  const fieldset = form.querySelector(`fieldset[data-question="${match[1]}"]`);
  if (!fieldset) return;
  fieldset.classList.add("here-invalid");
  fieldset.querySelector("input, textarea")?.focus();
}

async function sendAnswers(event, survey) {
  event.preventDefault();
  const form = event.currentTarget;
  const status = form.querySelector(".here-survey-status");
  const alert = form.querySelector(".here-error");
  const submit = form.querySelector('button[type="submit"]');
  alert.textContent = "";
  if (!residentToken() || !place || form.dataset.sending) return;
  form.dataset.sending = "1"; // the button stays enabled: disabling it would lose the focus
  status.textContent = text.sending;
  const url = apiUrl(urls.answersUrl.replace("/0/", `/${survey.id}/`));
  try {
    await callApi(url, {
      method: "PUT",
      body: { lon: place.lon, lat: place.lat, answers: answersOf(form) },
      headers: residentHeaders(),
    });
    markInvalid(form, null);
    status.textContent = format(text.answered, { date: dateTime(survey.closes_at) });
  } catch (error) {
    status.textContent = "";
    alert.textContent = error.message;
    markInvalid(form, error.parameter);
    if (error instanceof ApiError && error.status === 401) forgetResident();
  } finally {
    delete form.dataset.sending;
    submit.disabled = residentToken() === null;
  }
}

function surveyForm(survey) {
  const titleId = `here-s${survey.id}-title`;
  const form = element("form", { class: "here-form here-survey", novalidate: true, "aria-labelledby": titleId, "data-survey": String(survey.id) });
  form.append(
    element("h3", { id: titleId, text: survey.title }),
    survey.description ? element("p", { text: survey.description }) : null,
    element("p", { class: "here-hint", text: format(text.surveyWindow, { date: dateTime(survey.closes_at) }) }),
    element("p", { class: "here-hint", "data-signed-out-note": true, hidden: residentToken() !== null, text: text.signedOutSurvey }),
    ...survey.questions.map((question) => fieldOf(question, survey.id)),
    element("button", { type: "submit", class: "button", disabled: residentToken() === null, text: text.sendAnswers }),
    element("p", { class: "here-survey-status", role: "status" }),
    element("p", { class: "here-error error", role: "alert" }),
  );
  form.addEventListener("submit", (event) => sendAnswers(event, survey));
  return form;
}

/** Offer sending only to a signed-in resident. */
export function updateSignedIn() {
  const signedIn = residentToken() !== null;
  for (const note of list.querySelectorAll("[data-signed-out-note]")) note.hidden = signedIn;
  for (const button of list.querySelectorAll('button[type="submit"]')) button.disabled = !signedIn;
}

/** List the surveys open at `newPlace` (from `commonmap:place`). */
export async function showSurveys(newPlace) {
  place = newPlace;
  const mine = ++seq;
  section.hidden = false;
  list.replaceChildren();
  listError.textContent = "";
  listStatus.textContent = text.loading;
  try {
    const { body } = await callApi(apiUrl(urls.surveysUrl, { lon: place.lon, lat: place.lat }));
    if (mine !== seq) return;
    listStatus.textContent = body.length ? "" : text.noSurveys;
    list.replaceChildren(...body.map(surveyForm));
  } catch (error) {
    if (mine !== seq) return;
    listStatus.textContent = "";
    listError.textContent = error.message;
  }
}
