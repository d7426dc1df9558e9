/*
 * What the Here tab's modules share: the routes and texts the template gives (no URL and no
 * language in the scripts), calls to the JSON APIs with their errors kept whole, and dates
 * written in the page's language and the city's time zone.
 */

const root = document.getElementById("here");

/** The API routes (data-* attributes of #here). */
export const urls = root.dataset;

/** The translated texts (data-* attributes of #here-text). */
export const text = document.getElementById("here-text").dataset;

const language = document.documentElement.lang || "vi";
const TIME_ZONE = "Asia/Ho_Chi_Minh";

/** Labels by code from a hidden list of `<span data-code>` in the template. */
export function labels(id) {
  return Object.fromEntries(
    [...document.querySelectorAll(`#${id} [data-code]`)].map((el) => [el.dataset.code, el.textContent]),
  );
}

/** `template` with each `{name}` replaced by `values[name]`. */
export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

/** A date and time (ISO text or Date) for people, e.g. "3 thg 12, 2026, 14:00". */
export function dateTime(value) {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE }).format(
    new Date(value),
  );
}

/** A number for people (decimal comma in Vietnamese). */
export function number(value, digits = 1) {
  return new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value);
}

/** An API answer with an error status: `message` is the API's own `detail`. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || text.unreachable);
    this.status = status;
    this.code = body?.code || null;
    this.parameter = body?.parameter || null;
  }
}

/** A URL of the site with query parameters. */
export function apiUrl(base, params = {}) {
  const url = new URL(base, window.location.href);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

/** Call the API; the parsed JSON body with the status, or an ApiError (network: status 0). */
export async function callApi(url, { method = "GET", body = undefined, headers = {} } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, null);
  }
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return { status: response.status, body: parsed };
}

/** An element with attributes and children (text children are set as text, never HTML). */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}
