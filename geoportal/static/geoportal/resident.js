/*
 * The resident's identity on the map page.
 *
 * Residents are not Django users: the rating and survey APIs take an OpenID Connect token
 * (`Authorization: Bearer <jwt>`), which the city's app hands the page when it embeds it:
 *   - in the URL fragment, `#resident_token=<jwt>` (alone or beside MapLibre's `map=`), read
 *     once and removed from the address bar at once, keeping the rest of the fragment;
 *   - or by `window.postMessage({type: "commonmap:resident-token", token})` from this page's
 *     own origin or from the parent frame that embeds it.
 * The token is kept in sessionStorage only (it dies with the tab; never localStorage, never
 * in a URL sent to the server). Its expiry is read from its `exp` claim to stop offering
 * forms with a dead token; nothing is verified here: the server verifies every call.
 *
 * Whenever the token changes, `commonmap:resident` is dispatched on document with
 * `detail = {signedIn, expiresAt}`.
 */

const STORAGE_KEY = "commonmap.resident_token";
const FRAGMENT_NAME = "resident_token";
const MESSAGE_TYPE = "commonmap:resident-token";

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the token then lives as long as the page
  }
}

let memoryToken = null;

/** The claims of a JWT, decoded without verification (null when it is not one). */
function claimsOf(token) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" ? claims : null;
  } catch {
    return null;
  }
}

/** When the token stops being accepted (a Date), or null when it names no expiry. */
function expiryOf(token) {
  const exp = claimsOf(token)?.exp;
  return typeof exp === "number" ? new Date(exp * 1000) : null;
}

function announce() {
  const token = residentToken();
  document.dispatchEvent(
    new CustomEvent("commonmap:resident", {
      detail: { signedIn: token !== null, expiresAt: token ? expiryOf(token) : null },
    }),
  );
}

function keep(token) {
  if (!claimsOf(token)) return;
  memoryToken = token;
  storage()?.setItem(STORAGE_KEY, token);
  announce();
}

/** The resident's token, or null when there is none or it has expired. */
export function residentToken() {
  const token = storage()?.getItem(STORAGE_KEY) ?? memoryToken;
  if (!token) return null;
  const expiresAt = expiryOf(token);
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    storage()?.removeItem(STORAGE_KEY);
    memoryToken = null;
    return null;
  }
  return token;
}

/** The token's expiry (a Date), or null. */
export function residentExpiry() {
  const token = residentToken();
  return token ? expiryOf(token) : null;
}

/** Headers that name the resident to the API (empty when nobody is signed in). */
export function residentHeaders() {
  const token = residentToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Forget the token (signing out of the map, or after the server refused it). */
export function forgetResident() {
  storage()?.removeItem(STORAGE_KEY);
  memoryToken = null;
  announce();
}

/** Take the token out of the fragment and the address bar (the rest of the fragment stays). */
function takeFromFragment() {
  const fragment = window.location.hash.replace(/^#/, "");
  if (!fragment) return;
  const parts = fragment.split("&");
  const mine = parts.find((part) => part.startsWith(`${FRAGMENT_NAME}=`));
  if (mine === undefined) return;
  const rest = parts.filter((part) => !part.startsWith(`${FRAGMENT_NAME}=`)).join("&");
  const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : "");
  window.history.replaceState(window.history.state, "", url);
  keep(decodeURIComponent(mine.slice(FRAGMENT_NAME.length + 1)));
}

function fromTrustedWindow(event) {
  return event.origin === window.location.origin || (window.parent !== window && event.source === window.parent);
}

window.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== MESSAGE_TYPE || typeof data.token !== "string") return;
  if (!fromTrustedWindow(event)) return;
  keep(data.token);
});

takeFromFragment();
