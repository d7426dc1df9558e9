// report/common.js: what the report form's modules share: the page's texts (from the
// template's #report-texts, so nothing English is written here), calls to the JSON APIs and
// where an API error is shown (next to the field it names).

export const texts = document.getElementById("report-texts")?.dataset ?? {};
export const lang = (document.documentElement.lang || "vi").slice(0, 2);

/** A text with its {placeholders} filled in. */
export function fill(template, values = {}) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (whole, key) =>
    key in values ? String(values[key]) : whole,
  );
}

/** The CSRF token Django put in the page (the frame's language form) or in its cookie. */
export function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input?.value) return input.value;
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

/** A fresh Idempotency-Key (one report sent twice over a bad connection is stored once). */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Call a JSON API: {ok, status, body}. A body that is not JSON (a proxy's error page) is
 * `{detail}` with the server-error text. A network failure throws (the caller says so).
 */
export async function callApi(url, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers ?? {}) };
  const response = await fetch(url, { credentials: "same-origin", ...options, headers });
  let body;
  try {
    body = await response.json();
  } catch {
    body = { detail: fill(texts.serverError, { status: response.status }) };
  }
  if (!response.ok && (!body || typeof body.detail !== "string")) {
    body = { ...(body ?? {}), detail: fill(texts.serverError, { status: response.status }) };
  }
  return { ok: response.ok, status: response.status, body };
}

/** The element that shows errors about API parameter `name` (the form's general one if none). */
export function errorSlot(form, name) {
  for (const slot of form.querySelectorAll(".field-error")) {
    const names = (slot.dataset.for ?? "").split(" ").filter(Boolean);
    if (name && names.includes(name)) return slot;
  }
  return form.querySelector("#report-error");
}

/** Show `message` next to the field of parameter `name`, and mark that field invalid. */
export function showError(form, name, message) {
  const slot = errorSlot(form, name);
  slot.textContent = message;
  const field = slot.id ? form.querySelector(`[aria-describedby~="${slot.id}"]`) : null;
  if (field) field.setAttribute("aria-invalid", "true");
  return field;
}

/** Clear every error shown in the form (the fields keep what was typed). */
export function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
}
