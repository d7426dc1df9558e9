// Hotline intake (/workspace/intake/): the operator types the caller's address, the places
// API answers with candidates (every one shown when several match: the operator must
// choose, or pick the point on the map), then the report goes to the feedback API as the
// operator (channel "hotline") with the chosen point; the tracking code is read back.
"use strict";

import { apiGet, apiSend } from "./api.js";
import { createMap, showPoint } from "./itemsmap.js";
import { alertIn, el, fill, itemPage, text } from "./util.js";

const $ = (id) => document.getElementById(id);
const form = $("intake-form");
const address = $("i-address");
const placeStatus = $("place-status");
const candidatesBox = $("candidates-box");
const candidates = $("candidates");
const error = $("intake-error");
let map = null;
let places = []; // [{lon, lat, label}] the radios stand for, by index

function radio(index, label, checked) {
  const id = `place-${index}`;
  const input = el("input", { type: "radio", name: "place", value: String(index), id, checked });
  input.addEventListener("change", () => {
    if (map) showPoint(map, places[index].lon, places[index].lat);
  });
  return el("div", { className: "ws-candidate" }, input, " ", el("label", { for: id, text: label }));
}

function showCandidates(found) {
  places = found.candidates.map((place) => ({
    lon: place.lon,
    lat: place.lat,
    label: fill(text.candidate, { label: place.label || place.name, ward: place.ward_name })
      + (place.old_name ? ` ${text.oldName}` : ""),
  }));
  const single = found.status === "found" && places.length === 1;
  candidates.replaceChildren(...places.map((place, index) => radio(index, place.label, single)));
  candidatesBox.hidden = places.length === 0;
  if (single && map) showPoint(map, places[0].lon, places[0].lat);
  if (found.status === "ambiguous") placeStatus.textContent = fill(text.ambiguous, { count: places.length });
  else if (single) placeStatus.textContent = text.found;
  else placeStatus.textContent = text.notFound;
}

async function findPlace() {
  alertIn(error, "");
  const query = address.value.trim();
  if (!query) {
    placeStatus.textContent = text.typeAddress;
    address.focus();
    return;
  }
  placeStatus.textContent = text.searching;
  try {
    showCandidates(await apiGet(`${text.placesApi}?${new URLSearchParams({ q: query })}`));
  } catch (failure) {
    candidatesBox.hidden = true;
    placeStatus.textContent = "";
    alertIn(error, fill(text.searchFailed, { error: failure.message }));
  }
}

function pickOnMap(event) {
  const { lng, lat } = event.lngLat;
  const picked = { lon: Number(lng.toFixed(7)), lat: Number(lat.toFixed(7)) };
  picked.label = fill(text.picked, { lat: picked.lat.toFixed(5), lon: picked.lon.toFixed(5) });
  places.push(picked);
  const index = places.length - 1;
  candidates.append(radio(index, picked.label, true));
  candidatesBox.hidden = false;
  placeStatus.textContent = text.pickedStatus;
  showPoint(map, picked.lon, picked.lat);
}

async function send(event) {
  event.preventDefault();
  alertIn(error, "");
  const data = new FormData(form);
  const chosen = places[Number(data.get("place"))];
  if (data.get("place") === null || !chosen) {
    alertIn(error, text.choosePlace);
    (candidates.querySelector("input") || address).focus();
    return;
  }
  const body = {
    channel: "hotline",
    category: data.get("category"),
    description: data.get("description"),
    location: { lon: chosen.lon, lat: chosen.lat },
    address: data.get("address"),
    reporter_name: data.get("reporter_name"),
    reporter_phone: data.get("reporter_phone"),
  };
  const submit = $("intake-submit");
  submit.disabled = true;
  try {
    const item = await apiSend(text.itemsApi, "POST", body);
    form.hidden = true;
    $("done-code").textContent = item.tracking_code;
    $("done-ward").textContent = fill(text.sentWard, { ward: item.ward.name });
    $("done-link").href = itemPage(item.tracking_code);
    $("intake-done").hidden = false;
    $("done-heading").focus();
  } catch (failure) {
    alertIn(error, fill(text.refused, { error: failure.message }));
  } finally {
    submit.disabled = false;
  }
}

function again() {
  form.reset();
  places = [];
  candidates.replaceChildren();
  candidatesBox.hidden = true;
  placeStatus.textContent = "";
  if (map) showPoint(map, null, null);
  $("intake-done").hidden = true;
  form.hidden = false;
  address.focus();
}

$("find-place").addEventListener("click", findPlace);
address.addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    findPlace();
  }
});
form.addEventListener("submit", send);
$("intake-again").addEventListener("click", again);
// The handlers are in place: pressing Enter in the address no longer submits the form.
form.dataset.ready = "true";

function noMap(message) {
  $("pick-map").hidden = true;
  $("map-status").textContent = message;
  $("map-status").hidden = false;
}

createMap($("pick-map"), { styleUrl: text.styleUrl, workerUrl: text.workerUrl })
  .then((created) => {
    if (!created) {
      noMap(text.noMap);
      return;
    }
    map = created;
    map.on("click", pickOnMap);
  })
  .catch((failure) => noMap(failure.message));
