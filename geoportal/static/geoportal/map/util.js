// Shared helpers of the map page: the page's texts and routes, API calls, small formatting.
// Texts come from the template (#map-text, translated there); routes from #map's data-*.

export const mapEl = document.getElementById("map");
export const routes = mapEl.dataset;
export const text = document.getElementById("map-text").dataset;
export const english = document.documentElement.lang.startsWith("en");

/** An API answer with an error status; its message is the API's own `detail`. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** `template` with its {name} placeholders filled from `values`. */
export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

/** An absolute URL of `base` (a route) with `params` as its query. */
export function apiUrl(base, params = {}) {
  const url = new URL(base, window.location.href);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

/** The features route of one layer. */
export function featuresUrl(slug, params = {}) {
  return apiUrl(routes.featuresUrl.replace("SLUG", encodeURIComponent(slug)), params);
}

/** GET JSON; an error status throws ApiError with the API's message. */
export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.detail ?? `HTTP ${response.status}`);
  return body;
}

/** Show `message` in a status or alert element (empty hides nothing: the text is just gone). */
export function say(element, message) {
  element.textContent = message ?? "";
}

/** Great-circle distance in metres and initial compass bearing in degrees. */
export function distanceAndBearing(from, to) {
  const rad = Math.PI / 180;
  const lat1 = from.lat * rad;
  const lat2 = to.lat * rad;
  const dLat = lat2 - lat1;
  const dLon = (to.lon - from.lon) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) ** 2;
  const metres = 2 * 6371008.8 * Math.asin(Math.sqrt(a));
  const y = Math.sin(dLon) * Math.cos(lat2);
  const x = Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(dLon);
  const bearing = (Math.atan2(y, x) / rad + 360) % 360;
  return { metres, bearing };
}

const compass = [...document.querySelectorAll("#compass-points span")].map((el) => el.textContent);

/** "350 m, north-east": a distance and its straight-line direction, in the page's language. */
export function describeDistance(metres, bearing) {
  const direction = compass[Math.round(bearing / 45) % 8];
  const lang = document.documentElement.lang || "vi";
  if (metres < 1000) {
    const rounded = metres < 100 ? Math.round(metres / 5) * 5 : Math.round(metres / 10) * 10;
    return format(text.distanceM, { distance: rounded.toLocaleString(lang), direction });
  }
  const km = (metres / 1000).toLocaleString(lang, { maximumFractionDigits: 1 });
  return format(text.distanceKm, { distance: km, direction });
}

/** The translated legend label of a style value (key:value), or null. */
export function legendLabel(key) {
  const el = document.querySelector(`#legend-labels [data-key="${CSS.escape(key)}"]`);
  return el ? el.textContent.trim() : null;
}
