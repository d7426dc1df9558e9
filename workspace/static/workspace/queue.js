// The work queue (/workspace/): the items of the signed-in person's wards from the feedback
// API (which scopes them), as a table and on a map. The filters are a plain GET form, so
// they live in the page's URL; this script turns that URL into the API's query.
"use strict";

import { apiGet } from "./api.js";
import { createMap, showItems } from "./itemsmap.js";
import { alertIn, el, fill, itemPage, text, when } from "./util.js";

const FILTERS = ["status", "category", "overdue", "created_after", "created_before", "sort"];
const rows = document.getElementById("queue-rows");
const status = document.getElementById("queue-status");
const error = document.getElementById("queue-error");
const pageInfo = document.getElementById("page-info");
const prev = document.getElementById("page-prev");
const next = document.getElementById("page-next");
const here = new URLSearchParams(window.location.search);
const pageNumber = Math.max(1, Number(here.get("page")) || 1);
const pageSize = Number(text.pageSize);

function apiQuery() {
  const query = new URLSearchParams({ page: String(pageNumber), page_size: String(pageSize) });
  for (const name of FILTERS) {
    if (here.get(name)) query.set(name, here.get(name));
  }
  return `${text.itemsApi}?${query}`;
}

function pageLink(number) {
  const query = new URLSearchParams(here);
  query.set("page", String(number));
  return `?${query}`;
}

function row(item) {
  const overdue = item.overdue ? el("span", { className: "ws-overdue", text: text.overdue }) : null;
  return el(
    "tr",
    { className: item.overdue ? "is-overdue" : "" },
    el("th", { scope: "row" }, el("a", { href: itemPage(item.tracking_code), text: item.tracking_code })),
    el("td", { text: item.category.name }),
    el("td", { text: item.ward.name }),
    el("td", {}, el("span", { className: `ws-badge ws-${item.status}`, text: item.status_label })),
    el("td", { text: when(item.created_at) }),
    el("td", {}, when(item.deadline_at), " ", overdue),
  );
}

function feature(item) {
  const point = item.exact_location || item.location; // exact only when the API gives it
  if (!point) return null;
  return {
    type: "Feature",
    geometry: { type: "Point", coordinates: [point.lon, point.lat] },
    properties: { code: item.tracking_code, overdue: Boolean(item.overdue) },
  };
}

function showPaging(body) {
  const pages = Math.max(1, Math.ceil(body.count / pageSize));
  pageInfo.textContent = fill(text.page, { page: pageNumber, pages });
  prev.hidden = !body.previous;
  next.hidden = !body.next;
  if (body.previous) prev.href = pageLink(pageNumber - 1);
  if (body.next) next.href = pageLink(pageNumber + 1);
}

function markSort() {
  const heading = document.getElementById("deadline-heading");
  const button = document.getElementById("sort-deadline");
  if (here.get("sort") === "deadline") heading.setAttribute("aria-sort", "ascending");
  button.addEventListener("click", () => {
    const query = new URLSearchParams(here);
    query.delete("page");
    if (query.get("sort") === "deadline") query.delete("sort");
    else query.set("sort", "deadline");
    window.location.search = query.toString();
  });
}

async function load() {
  status.textContent = text.loading;
  let body;
  try {
    body = await apiGet(apiQuery());
  } catch (failure) {
    status.textContent = "";
    alertIn(error, fill(text.failed, { error: failure.message }));
    return [];
  }
  rows.replaceChildren(...body.results.map(row));
  let summary = body.count ? fill(text.loaded, { count: body.count }) : text.empty;
  if (here.get("sort") === "deadline") summary += ` ${text.sortedDeadline}`;
  status.textContent = summary;
  showPaging(body);
  return body.results;
}

markSort();
const itemsLoaded = load();
function noMap(message) {
  const note = document.getElementById("map-status");
  note.textContent = message;
  note.hidden = false;
  document.getElementById("map").hidden = true;
}

itemsLoaded
  .then(async (items) => {
    const features = items.map(feature).filter(Boolean);
    const mapBox = document.getElementById("map");
    const map = await createMap(mapBox, { styleUrl: text.styleUrl, workerUrl: text.workerUrl, features });
    if (!map) {
      noMap(text.noMap);
      return;
    }
    showItems(map, features, (code) => {
      window.location.href = itemPage(code);
    });
  })
  .catch((failure) => noMap(failure.message));
