/*
 * The ward of the chosen place: its satisfaction this period (the ratings API's figures,
 * "not enough ratings" said as such) and the resident's rating of it (overall 1-5, the
 * aspects, a short comment), sent with the place's point so the server finds the ward.
 */

import { forgetResident, residentHeaders, residentToken } from "../resident.js";
import { ApiError, apiUrl, callApi, dateTime, element, format, number, text, urls } from "./common.js";

const section = document.getElementById("here-ward");
const wardName = document.getElementById("here-ward-name");
const satisfaction = document.getElementById("here-satisfaction");
const form = document.getElementById("here-rate");
const aspectsBox = document.getElementById("here-aspects");
const aspectList = document.getElementById("here-aspect-list");
const status = document.getElementById("here-rate-status");
const alert = document.getElementById("here-rate-error");
const signedOutNote = form.querySelector("[data-signed-out-note]");
const submit = form.querySelector('button[type="submit"]');

let place = null;
let satisfactionAnswer = null; // a Promise of the period's figures, fetched once
let aspectsLoaded = false;
let seq = 0;
let sending = false;

function loadSatisfaction() {
  satisfactionAnswer ??= callApi(apiUrl(urls.satisfactionUrl)).then((answer) => answer.body);
  satisfactionAnswer.catch(() => {
    satisfactionAnswer = null; // try again next time
  });
  return satisfactionAnswer;
}

async function loadAspects() {
  if (aspectsLoaded) return;
  const { body } = await callApi(apiUrl(urls.aspectsUrl));
  aspectsLoaded = true;
  aspectList.replaceChildren(
    ...body.map((aspect) => {
      const id = `here-aspect-${aspect.code}`;
      const select = element(
        "select",
        { id, name: `aspect-${aspect.code}`, "data-aspect": aspect.code },
        element("option", { value: "", text: text.aspectNone }),
        ...[1, 2, 3, 4, 5].map((score) => element("option", { value: String(score), text: String(score) })),
      );
      return element("div", { class: "here-aspect" }, element("label", { for: id, text: aspect.name }), select);
    }),
  );
  aspectsBox.hidden = body.length === 0;
}

function describeSatisfaction(answer, code) {
  const period = answer.period.label;
  const ward = answer.wards.find((w) => w.code === code);
  const count = ward ? ward.count : 0;
  if (!ward || !ward.enough) {
    return format(text.notEnough, { period, count, min: answer.min_sample });
  }
  return format(text.satisfaction, { period, mean: number(ward.mean), count });
}

async function showSatisfaction(code, mine) {
  satisfaction.textContent = text.loading;
  try {
    const answer = await loadSatisfaction();
    if (mine === seq) satisfaction.textContent = describeSatisfaction(answer, code);
  } catch (error) {
    if (mine === seq) satisfaction.textContent = error.message;
  }
}

/** Offer the form only to a signed-in resident; otherwise say how to sign in. */
export function updateSignedIn() {
  const signedIn = residentToken() !== null;
  signedOutNote.hidden = signedIn;
  submit.disabled = !signedIn; // not while sending: a disabled button would lose the focus
}

/** Show the ward of `newPlace` (from `commonmap:place`), or hide the section. */
export function showWard(newPlace) {
  place = newPlace;
  const mine = ++seq;
  section.hidden = false;
  status.textContent = "";
  alert.textContent = "";
  form.reset();
  if (!place.ward) {
    wardName.textContent = text.noWard;
    satisfaction.textContent = "";
    form.hidden = true;
    return;
  }
  form.hidden = false;
  wardName.textContent = format(text.wardName, { name: place.ward.name, code: place.ward.code });
  showSatisfaction(place.ward.code, mine);
  loadAspects().catch((error) => {
    alert.textContent = error.message;
  });
  updateSignedIn();
}

function ratingBody() {
  const overall = form.querySelector('input[name="overall"]:checked');
  const aspects = {};
  for (const select of aspectList.querySelectorAll("select[data-aspect]")) {
    if (select.value) aspects[select.dataset.aspect] = Number(select.value);
  }
  return {
    lon: place.lon,
    lat: place.lat,
    overall: overall ? Number(overall.value) : null,
    aspects,
    comment: form.elements.comment.value,
  };
}

async function send(event) {
  event.preventDefault();
  if (!place?.ward || sending) return;
  alert.textContent = "";
  status.textContent = "";
  if (!residentToken()) {
    updateSignedIn();
    return;
  }
  const body = ratingBody();
  if (body.overall === null) {
    alert.textContent = text.pickOverall;
    form.querySelector('input[name="overall"]').focus();
    return;
  }
  sending = true;
  status.textContent = text.sending;
  try {
    const answer = await callApi(apiUrl(urls.rateUrl), { method: "POST", body, headers: residentHeaders() });
    const rating = answer.body;
    const template = answer.status === 201 ? text.rated : text.ratedAgain;
    status.textContent = format(template, { ward: rating.ward.name, date: dateTime(rating.updated_at) });
    satisfactionAnswer = null; // the figures now count this rating
    showSatisfaction(place.ward.code, seq);
  } catch (error) {
    status.textContent = "";
    alert.textContent = error.message;
    if (error instanceof ApiError && error.status === 401) forgetResident();
    focusParameter(error.parameter);
  } finally {
    sending = false;
    updateSignedIn();
  }
}

/** Move the focus to the field a 400 names (overall, aspects.<code>, comment). */
function focusParameter(parameter) {
  if (!parameter) return;
  const [name, code] = parameter.split(".");
  const field =
    name === "overall"
      ? form.querySelector('input[name="overall"]')
      : name === "aspects" && code
        ? aspectList.querySelector(`select[data-aspect="${CSS.escape(code)}"]`)
        : form.elements[name];
  field?.focus?.();
}

form.addEventListener("submit", send);
