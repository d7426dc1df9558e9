// track.js: the reporter's steps on the tracking page (feedback/track.html): rate the
// resolution, confirm or dispute the fix. Each form posts JSON to the feedback API with the
// session's CSRF token; the API decides who may, and its error is shown next to the field it
// names (nothing typed is lost). On success the page reloads with what is now recorded.

const texts = document.getElementById("track-texts")?.dataset ?? {};

const fill = (template, values) =>
  String(template ?? "").replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input?.value) return input.value;
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

function slotFor(form, name) {
  const slots = Array.from(form.querySelectorAll(".field-error"));
  return slots.find((slot) => name && slot.dataset.for === name) ?? slots.find((slot) => !slot.dataset.for);
}

function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
}

function showError(form, name, message) {
  const slot = slotFor(form, name);
  slot.textContent = message;
  const field = slot.id ? form.querySelector(`[aria-describedby~="${slot.id}"]`) : null;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    (field.querySelector("input") ?? field).focus();
  }
}

function payload(form) {
  const data = {};
  for (const [name, value] of new FormData(form)) {
    data[name] = name === "rating" ? Number(value) : value;
  }
  return data;
}

async function send(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const button = form.querySelector("button[type=submit]");
  const status = form.querySelector(".form-status");
  const data = payload(form);
  clearErrors(form);
  button.disabled = true;
  status.textContent = texts.sending;
  let response;
  let body;
  try {
    response = await fetch(form.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(data),
    });
    body = await response.json().catch(() => ({}));
  } catch {
    showError(form, "", texts.network);
    return;
  } finally {
    button.disabled = false;
    status.textContent = "";
  }
  if (!response.ok) {
    const detail = typeof body.detail === "string" ? body.detail : fill(texts.serverError, { status: response.status });
    showError(form, body.parameter, detail);
    return;
  }
  const done = form.dataset.done || data.verdict;
  window.location.assign(`${window.location.pathname}?done=${encodeURIComponent(done)}`);
}

for (const form of document.querySelectorAll("form.track-form")) form.addEventListener("submit", send);
