// report/place.js: where the problem is: a point chosen on the map (window.commonMap's
// pickPoint), the browser's location, or a typed address (the feedback places API, every
// candidate shown when it is ambiguous); then the ward the point falls in (the lookup API).

import { callApi, fill, texts } from "./common.js";

const form = document.getElementById("report-form");
const placeLine = document.getElementById("report-place");
const locationError = document.getElementById("report-location-error");
const addressInput = document.getElementById("report-address");
const candidatesBox = document.getElementById("report-candidates");
const pickButton = document.getElementById("report-pick");
const locateButton = document.getElementById("report-locate");

let current = null; // {lon, lat, source, ward: {code, name} | null}
let lookupSerial = 0;

/** The chosen point, or null. */
export function chosenPlace() {
  return current;
}

function announce() {
  form.dispatchEvent(new CustomEvent("report:place", { detail: current }));
}

function describe() {
  if (!current) {
    placeLine.textContent = "";
    return;
  }
  const point = fill(texts.point, { lat: current.lat.toFixed(5), lon: current.lon.toFixed(5) });
  placeLine.textContent = current.ward
    ? `${point} · ${fill(texts.ward, { ward: current.ward.name })}`
    : point;
}

/** Forget the point (a new report). */
export function clearPlace() {
  current = null;
  lookupSerial += 1;
  candidatesBox.hidden = true;
  describe();
  announce();
}

async function lookUpWard(place) {
  const serial = ++lookupSerial;
  placeLine.textContent = texts.lookingUp;
  const query = new URLSearchParams({ lon: place.lon, lat: place.lat });
  let answer;
  try {
    answer = await callApi(`/api/v1/lookup/?${query}`);
  } catch {
    answer = { ok: false, body: { detail: texts.network } };
  }
  if (serial !== lookupSerial) return; // another point was chosen meanwhile
  if (answer.ok) {
    place.ward = { code: answer.body.area.code, name: answer.body.area.name };
  } else {
    locationError.textContent = answer.body.detail; // e.g. a point outside the city
  }
  describe();
  announce();
}

/** Take `place` ({lon, lat, source, ward?}) as where the problem is. */
export function setPlace(place, { fly = false } = {}) {
  current = { ward: null, ...place };
  locationError.textContent = "";
  addressInput.removeAttribute("aria-invalid");
  candidatesBox.hidden = true;
  const map = window.commonMap?.map;
  if (fly && typeof map?.jumpTo === "function") {
    // MapLibre (the raster fallback has no map here): show where the point is
    map.flyTo({ center: [current.lon, current.lat], zoom: Math.max(map.getZoom(), 16) });
  }
  if (current.ward) {
    lookupSerial += 1;
    describe();
    announce();
  } else {
    lookUpWard(current);
  }
}

function placeOfCandidate(candidate) {
  const ward = candidate.ward_code ? { code: candidate.ward_code, name: candidate.ward_name } : null;
  return { lon: candidate.lon, lat: candidate.lat, source: "search", ward };
}

/** List the places an address may mean; choosing one takes it. */
export function showCandidates(candidates) {
  const list = candidatesBox.querySelector("ul");
  list.replaceChildren();
  document.getElementById("report-candidates-title").textContent = texts.ambiguous;
  for (const candidate of candidates) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary candidate";
    button.textContent = candidate.label;
    button.addEventListener("click", () => {
      setPlace(placeOfCandidate(candidate), { fly: true });
      addressInput.focus();
    });
    item.append(button);
    list.append(item);
  }
  candidatesBox.hidden = false;
  list.querySelector("button")?.focus();
}

async function findAddress() {
  const q = addressInput.value.trim();
  locationError.textContent = "";
  candidatesBox.hidden = true;
  placeLine.textContent = texts.searching;
  let answer;
  try {
    answer = await callApi(`/api/v1/feedback/places/?${new URLSearchParams({ q })}`);
  } catch {
    answer = { ok: false, body: { detail: texts.network } };
  }
  describe();
  if (!answer.ok) {
    locationError.textContent = answer.body.detail;
    addressInput.setAttribute("aria-invalid", "true");
    return;
  }
  const { status, candidates } = answer.body;
  if (status === "found" && candidates.length) {
    setPlace(placeOfCandidate(candidates[0]), { fly: true });
  } else if (status === "ambiguous") {
    showCandidates(candidates);
  } else {
    locationError.textContent = texts.notFound;
    addressInput.setAttribute("aria-invalid", "true");
  }
}

async function pickOnMap() {
  const commonMap = window.commonMap;
  if (!commonMap?.pickPoint) {
    locationError.textContent = texts.mapMissing;
    addressInput.focus();
    return;
  }
  locationError.textContent = "";
  placeLine.textContent = texts.pickPrompt;
  try {
    const { lon, lat } = await commonMap.pickPoint(texts.pickPrompt);
    setPlace({ lon, lat, source: "pick" });
  } catch {
    describe();
    placeLine.textContent = current ? placeLine.textContent : texts.pickCancelled;
  }
  commonMap.showTab?.("report");
  pickButton.focus();
}

function locate() {
  if (!navigator.geolocation) {
    locationError.textContent = texts.noGeolocation;
    return;
  }
  locationError.textContent = "";
  placeLine.textContent = texts.locating;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      const { longitude: lon, latitude: lat } = position.coords;
      setPlace({ lon, lat, source: "locate" }, { fly: true });
    },
    (error) => {
      describe();
      locationError.textContent = fill(texts.locateFailed, { reason: error.message });
    },
    { enableHighAccuracy: true, timeout: 15000 },
  );
}

/** Wire the buttons of the "where" part. */
export function initPlace() {
  pickButton.addEventListener("click", pickOnMap);
  locateButton.addEventListener("click", locate);
  document.getElementById("report-find").addEventListener("click", findAddress);
  addressInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // Enter in the address finds it rather than sending the form
      findAddress();
    }
  });
}
