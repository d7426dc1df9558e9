// One item in the workspace (/workspace/items/<code>/): the staff view from the feedback API
// (contact details only when the API gives them to this role; it logs the read), the
// timeline, photos, possible duplicates nearby, and a form for each workflow step the API
// says this person may take now (allowed_next). Refusals show the API's own message.
"use strict";

import { apiGet, apiSend } from "./api.js";
import { alertIn, el, fill, itemPage, jsonData, text, when } from "./util.js";

const labels = jsonData("ws-labels");
const actionLabels = jsonData("ws-action-labels");
const $ = (id) => document.getElementById(id);
const box = $("item");
const status = $("item-status");
const error = $("item-error");
const form = $("action-form");
const buttons = $("action-buttons");
let opener = null; // the button that opened the form (focus goes back to it)

const statusLabel = (code) => labels.status[code] || code;
const roleLabel = (code) => labels.role[code] || code;

function setText(id, value) {
  $(id).textContent = value || text.notGiven;
}

function renderFacts(item) {
  $("f-status").replaceChildren(
    el("span", { className: `ws-badge ws-${item.status}`, text: item.status_label }),
  );
  setText("f-category", item.category.name);
  setText("f-ward", `${item.ward.name} (${item.ward.code})`);
  setText("f-channel", labels.channel[item.channel] || item.channel);
  setText("f-received", when(item.created_at));
  $("f-deadline").replaceChildren(
    when(item.deadline_at),
    item.overdue ? el("span", { className: "ws-overdue", text: ` ${text.overdue}` }) : "",
  );
  setText("f-address", item.address_text);
  const point = item.exact_location || item.location;
  setText("f-location", point ? `${point.lat.toFixed(6)}, ${point.lon.toFixed(6)}` : "");
  $("f-description").textContent = item.description;
  $("photos").replaceChildren(
    ...item.photos.map((url, index) =>
      el(
        "li",
        {},
        el("a", { href: url }, el("img", { src: url, alt: fill(text.photo, { n: index + 1 }), loading: "lazy" })),
      ),
    ),
  );
  $("photos-box").hidden = item.photos.length === 0;
}

function renderContact(item) {
  const reporter = item.reporter;
  const shown = reporter && (reporter.name || reporter.phone || reporter.email);
  $("contact-box").hidden = !shown;
  if (!shown) return;
  setText("c-name", reporter.name);
  setText("c-phone", reporter.phone);
  setText("c-email", reporter.email);
}

function renderTimeline(item) {
  $("timeline").replaceChildren(
    ...item.timeline.map((event) =>
      el(
        "li",
        {},
        el("time", { dateTime: event.at, text: when(event.at) }),
        " ",
        el("strong", { text: statusLabel(event.to) }),
        " ",
        el("span", { className: "status", text: fill(text.by, { who: event.by || "—", role: roleLabel(event.by_role) }) }),
        event.note ? el("p", { className: "ws-note", text: event.note }) : null,
        event.internal_note ? el("p", { className: "ws-internal", text: fill(text.internal, { note: event.internal_note }) }) : null,
      ),
    ),
  );
}

function renderActions(item) {
  const allowed = item.allowed_next || [];
  $("no-actions").hidden = allowed.length > 0;
  buttons.replaceChildren(
    ...allowed.map((to) => {
      const button = el("button", {
        type: "button",
        className: to === "rejected" || to === "merged" ? "secondary" : "",
        text: actionLabels[to] || statusLabel(to),
        "data-to": to,
      });
      button.addEventListener("click", () => openForm(to, button));
      return button;
    }),
  );
  if (!allowed.includes($("a-to").value)) form.hidden = true;
}

function openForm(to, button, mergeInto = "") {
  opener = button;
  form.reset();
  alertIn($("action-error"), "");
  $("a-to").value = to;
  $("action-title").textContent = actionLabels[to] || statusLabel(to);
  $("a-reason-field").hidden = to !== "rejected";
  $("a-reason").required = to === "rejected";
  $("a-merge-field").hidden = to !== "merged";
  $("a-merge").required = to === "merged";
  $("a-merge").value = mergeInto;
  const noteNeeded = to === "awaiting_info";
  $("a-note").required = noteNeeded;
  $("a-note-help").textContent = noteNeeded ? text.noteRequired : text.noteOptional;
  form.hidden = false;
  $("action-title").focus();
}

function closeForm() {
  form.hidden = true;
  if (opener && opener.isConnected) opener.focus();
}

async function submitStep(event) {
  event.preventDefault();
  const data = new FormData(form);
  const body = { to: data.get("to"), note: data.get("note"), internal_note: data.get("internal_note") };
  if (body.to === "rejected") body.reason = data.get("reason");
  if (body.to === "merged") body.merge_into = data.get("merge_into");
  const submit = $("action-submit");
  submit.disabled = true;
  try {
    const item = await apiSend(text.transitionsApi, "POST", body);
    form.hidden = true;
    render(item);
    status.textContent = fill(text.done, { status: item.status_label });
    $("actions-heading").setAttribute("tabindex", "-1");
    $("actions-heading").focus();
  } catch (failure) {
    alertIn($("action-error"), fill(text.refused, { error: failure.message }));
  } finally {
    submit.disabled = false;
  }
}

async function renderDuplicates(item) {
  const list = $("dupes");
  const note = $("dupes-status");
  const point = item.location;
  if (!point) {
    list.replaceChildren();
    note.textContent = text.noDupes;
    return;
  }
  const query = new URLSearchParams({ category: item.category.code, lon: point.lon, lat: point.lat });
  let found;
  try {
    found = (await apiGet(`${text.duplicatesApi}?${query}`)).results;
  } catch (failure) {
    note.textContent = fill(text.dupesFailed, { error: failure.message });
    return;
  }
  found = found.filter((d) => d.tracking_code !== item.tracking_code);
  note.textContent = found.length ? "" : text.noDupes;
  const mayMerge = (item.allowed_next || []).includes("merged");
  list.replaceChildren(
    ...found.map((dupe) => {
      const line = fill(text.dupeLine, {
        distance: dupe.distance_m,
        status: statusLabel(dupe.status),
        received: when(dupe.created_at),
      });
      let merge = null;
      if (mayMerge) {
        merge = el("button", {
          type: "button",
          className: "secondary",
          text: fill(text.mergeInto, { code: item.tracking_code, target: dupe.tracking_code }),
        });
        merge.addEventListener("click", () => openForm("merged", merge, dupe.tracking_code));
      }
      return el(
        "li",
        {},
        el("a", { href: itemPage(dupe.tracking_code), text: dupe.tracking_code }),
        " — ",
        el("span", { text: dupe.description }),
        el("br"),
        el("span", { className: "status", text: line }),
        merge ? el("div", {}, merge) : null,
      );
    }),
  );
}

function render(item) {
  box.hidden = false;
  renderFacts(item);
  renderContact(item);
  renderTimeline(item);
  renderActions(item);
  renderDuplicates(item);
}

async function load() {
  try {
    const item = await apiGet(text.itemApi);
    render(item);
    status.textContent = fill(text.loaded, { code: item.tracking_code, status: item.status_label });
  } catch (failure) {
    status.textContent = "";
    box.hidden = true;
    alertIn(error, fill(text.failed, { code: text.code, error: failure.message }));
  }
}

form.addEventListener("submit", submitStep);
$("action-cancel").addEventListener("click", closeForm);
form.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeForm();
});
load();
