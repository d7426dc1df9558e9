// The staff workspace's small fetch helper: same-origin session requests, Django's CSRF
// header on writes, and errors that carry the API's own message.
//
//   apiGet(url)                 -> Promise<JSON body>
//   apiSend(url, method, body)  -> Promise<JSON body | null>  (body: object → JSON, FormData as is)
//
// A failed call throws an Error whose .message is the API's "detail" (its first field error
// when a form was refused), .body the JSON body ({} if none) and .status the HTTP status.
// A network failure throws with .status 0 and the text of the page's data-network-error
// attribute on <body> or on #ws-text (so no English sits in this file).
"use strict";

/** The value of the csrftoken cookie ("" when absent). */
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function pageText(name) {
  const holder = document.getElementById("ws-text");
  return (holder && holder.dataset[name]) || document.body.dataset[name] || "";
}

/** The most useful sentence in an error body. */
export function errorMessage(body, status) {
  if (body && typeof body === "object") {
    if (typeof body.detail === "string" && body.detail) return body.detail;
    const errors = body.errors || body;
    for (const value of Object.values(errors)) {
      if (typeof value === "string" && value) return value;
      if (Array.isArray(value) && typeof value[0] === "string") return value[0];
    }
  }
  return `HTTP ${status}`;
}

async function request(url, options) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", ...options });
  } catch (cause) {
    const error = new Error(pageText("networkError") || String(cause));
    error.status = 0;
    error.body = {};
    throw error;
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const error = new Error(errorMessage(body, response.status));
    error.status = response.status;
    error.body = body || {};
    throw error;
  }
  return body;
}

/** GET a JSON API with the session. */
export function apiGet(url) {
  return request(url, { headers: { Accept: "application/json" } });
}

/** POST/PATCH/PUT/DELETE with the session and the CSRF header; body is an object or FormData. */
export function apiSend(url, method, body) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  const options = { method, headers };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined && body !== null) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  return request(url, options);
}
