// report.js: report a problem from the map (see map.html and map/report_panel.html).
// Where (report/place.js), category, description, photos (report/photos.js), optional
// contact details under the privacy notice; similar open reports nearby are offered before
// sending; then the tracking code. Every API error is shown next to the field it names and
// nothing typed is lost.

import { callApi, clearErrors, csrfToken, fill, lang, newKey, showError, texts } from "./report/common.js";
import { chosenPlace, clearPlace, initPlace, setPlace, showCandidates } from "./report/place.js";
import { clearPhotos, initPhotos, photosToSend } from "./report/photos.js";
import { residentHeaders } from "./resident.js";

const form = document.getElementById("report-form");
const category = document.getElementById("report-category");
const purpose = document.getElementById("report-purpose");
const consent = document.getElementById("report-consent");
const sendButton = document.getElementById("report-send");
const statusLine = document.getElementById("report-status");
const duplicatesBox = document.getElementById("report-duplicates");
const sent = document.getElementById("report-sent");
const CONTACT = ["report-name", "report-phone", "report-email"];

let noticeVersion = "";
let idempotencyKey = newKey();
let duplicatesSerial = 0;

const localName = (row, field = "name") => row[`${field}_${lang}`] || row[`${field}_vi`] || row[field];

async function loadCategories() {
  const answer = await callApi("/api/v1/feedback/categories/");
  if (!answer.ok) {
    showError(form, "category", answer.body.detail);
    return;
  }
  const rows = Array.isArray(answer.body) ? answer.body : answer.body.results ?? [];
  for (const row of rows) category.append(new Option(localName(row), row.code));
}

async function loadNotice() {
  const answer = await callApi("/api/v1/privacy/notice/");
  if (!answer.ok) {
    showError(form, "consent", answer.body.detail);
    return;
  }
  const notice = answer.body;
  noticeVersion = notice.version;
  document.getElementById("report-notice-text").textContent =
    notice.text?.[lang] ?? notice.text?.vi ?? "";
  for (const row of notice.purposes) {
    purpose.append(new Option(localName(row, "label"), row.code, row.default, row.default));
  }
}

/** Open reports of the chosen category near the chosen point: the resident may follow one. */
async function checkDuplicates() {
  const serial = ++duplicatesSerial;
  const place = chosenPlace();
  const list = duplicatesBox.querySelector("ul");
  if (!place || !category.value) {
    duplicatesBox.hidden = true;
    return;
  }
  const query = new URLSearchParams({ lon: place.lon, lat: place.lat, category: category.value });
  let answer;
  try {
    answer = await callApi(`/api/v1/feedback/duplicates/?${query}`);
  } catch {
    return; // only an offer: sending still works
  }
  if (serial !== duplicatesSerial) return;
  const found = answer.ok ? answer.body.results : [];
  list.replaceChildren();
  document.getElementById("report-duplicates-title").textContent = texts.duplicates;
  for (const row of found) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `/track/${encodeURIComponent(row.tracking_code)}/`;
    link.textContent = fill(texts.follow, { code: row.tracking_code });
    const about = document.createElement("p");
    about.textContent = `${row.description} (${fill(texts.distance, { distance: Math.round(row.distance_m) })})`;
    item.append(link, about);
    list.append(item);
  }
  duplicatesBox.hidden = found.length === 0;
}

function contactGiven() {
  return CONTACT.some((id) => document.getElementById(id).value.trim() !== "");
}

async function body() {
  const data = new FormData();
  const field = (name, value) => {
    if (value !== undefined && value !== null && String(value) !== "") data.append(name, value);
  };
  const place = chosenPlace();
  if (place) {
    field("lon", place.lon);
    field("lat", place.lat);
  }
  field("address", form.elements.address.value.trim());
  field("category", category.value);
  field("description", form.elements.description.value);
  field("channel", "web");
  field("reporter_name", form.elements.reporter_name.value.trim());
  field("reporter_phone", form.elements.reporter_phone.value.trim());
  field("reporter_email", form.elements.reporter_email.value.trim());
  if (contactGiven()) {
    field("consent_purpose", purpose.value);
    field("consent_notice_version", noticeVersion);
  }
  for (const photo of await photosToSend()) data.append("photos", photo.blob, photo.name);
  return data;
}

function focusFirstError() {
  const invalid = form.querySelector("[aria-invalid=true]");
  (invalid ?? sendButton).focus();
}

async function send(event) {
  event.preventDefault();
  clearErrors(form);
  if (contactGiven() && !consent.checked) {
    showError(form, "consent", texts.consentNeeded);
    consent.focus();
    return;
  }
  sendButton.disabled = true;
  statusLine.textContent = texts.sending;
  let answer;
  try {
    answer = await callApi("/api/v1/feedback/items/", {
      method: "POST",
      body: await body(),
      headers: {
        "X-CSRFToken": csrfToken(),
        "Idempotency-Key": idempotencyKey,
        ...residentHeaders(), // the resident's token when the city's app gave one
      },
    });
  } catch {
    // The same key again on the next try: if the report did arrive, it is not stored twice.
    answer = { ok: false, status: 0, body: { detail: texts.network } };
  } finally {
    sendButton.disabled = false;
    statusLine.textContent = "";
  }
  if (!answer.ok) {
    if (answer.status >= 400 && answer.status < 500) idempotencyKey = newKey(); // nothing stored
    showError(form, answer.body.parameter, answer.body.detail);
    if (Array.isArray(answer.body.candidates) && answer.body.candidates.length) {
      showCandidates(answer.body.candidates);
      return;
    }
    focusFirstError();
    return;
  }
  showSent(answer.body.tracking_code);
}

function showSent(code) {
  idempotencyKey = newKey();
  form.hidden = true;
  document.getElementById("report-sent-text").textContent = fill(texts.sent, { code });
  document.getElementById("report-sent-link").href = `/track/${encodeURIComponent(code)}/`;
  sent.dataset.code = code;
  sent.hidden = false;
  sent.focus();
  window.commonMap?.refreshLayer?.("feedback");
}

function startAgain() {
  form.reset();
  clearErrors(form);
  clearPhotos();
  clearPlace();
  duplicatesBox.hidden = true;
  sent.hidden = true;
  form.hidden = false;
  document.getElementById("report-pick").focus();
}

function init() {
  if (!form) return;
  initPlace();
  initPhotos();
  form.addEventListener("submit", send);
  form.addEventListener("report:place", checkDuplicates);
  category.addEventListener("change", checkDuplicates);
  document.getElementById("report-again").addEventListener("click", startAgain);
  // A place already chosen on the map ("Where am I?", a search result) is where the report
  // starts, unless the resident has chosen one here.
  document.addEventListener("commonmap:tab", (event) => {
    const known = window.commonMap?.place;
    if (event.detail?.name !== "report" || chosenPlace() || !known || form.hidden) return;
    const ward = known.ward ? { code: known.ward.code, name: known.ward.name } : null;
    setPlace({ lon: known.lon, lat: known.lat, source: known.source, ward });
  });
  loadCategories().catch(() => showError(form, "category", texts.network));
  loadNotice().catch(() => showError(form, "consent", texts.network));
}

init();
