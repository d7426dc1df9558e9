// "Where am I?" at the top of the Here tab: the browser's location or a point chosen on the
// map becomes the place (map.js dispatches commonmap:place); for it this shows the ward, its
// People's Committee and one-stop centre, and the nearest facilities of a chosen kind with
// their distance and straight-line direction.

import { describeDistance, distanceAndBearing, featuresUrl, format, getJSON, say, text } from "./util.js";

const OFFICE_CATEGORIES = ["ubnd", "mot_cua"]; // People's Committee, one-stop centre
const NEAREST_COUNT = 5;

const locateButton = document.getElementById("whereami-locate");
const pickButton = document.getElementById("whereami-pick");
const status = document.getElementById("whereami-status");
const error = document.getElementById("whereami-error");
const result = document.getElementById("whereami-result");
const wardLine = document.getElementById("whereami-ward");
const offices = document.getElementById("whereami-offices");
const categorySelect = document.getElementById("nearest-category");
const nearestList = document.getElementById("nearest-list");
let place = null;
let seq = 0;

function facilityItem(feature, from) {
  const item = document.createElement("li");
  const name = document.createElement("span");
  name.className = "facility-name";
  name.textContent = feature.properties.name;
  item.append(name);
  const [lon, lat] = feature.geometry.coordinates;
  const { metres, bearing } = distanceAndBearing(from, { lon, lat });
  const distance = document.createElement("span");
  distance.className = "facility-distance";
  distance.textContent = describeDistance(feature.properties.distance_m ?? metres, bearing);
  item.append(" ", distance);
  if (feature.properties.address) {
    const address = document.createElement("span");
    address.className = "facility-address";
    address.textContent = feature.properties.address;
    item.append(address);
  }
  return item;
}

function emptyItem(message) {
  const item = document.createElement("li");
  item.className = "status";
  item.textContent = message;
  return item;
}

async function showOffices(here, mine) {
  const found = await Promise.all(
    OFFICE_CATEGORIES.map((category) =>
      getJSON(featuresUrl("facilities", { ward_code: here.ward.code, category, page_size: 3 })),
    ),
  );
  if (mine !== seq) return;
  const features = found.flatMap((page) => page.features);
  offices.replaceChildren(...(features.length ? features.map((f) => facilityItem(f, here)) : [emptyItem(text.noOffice)]));
}

async function showNearest(here, mine) {
  const category = categorySelect.value;
  const page = await getJSON(
    featuresUrl("facilities", { nearest: `${here.lon.toFixed(6)},${here.lat.toFixed(6)}`, k: NEAREST_COUNT, category }),
  );
  if (mine !== seq) return;
  nearestList.replaceChildren(
    ...(page.features.length ? page.features.map((f) => facilityItem(f, here)) : [emptyItem(text.noNearest)]),
  );
}

async function show(here) {
  const mine = ++seq;
  place = here;
  say(error, "");
  result.hidden = false;
  offices.replaceChildren();
  nearestList.replaceChildren();
  if (!here.ward) {
    wardLine.textContent = text.noWard;
    offices.replaceChildren(emptyItem(text.noOffice));
  } else {
    wardLine.textContent = format(text.ward, { ward: here.ward.name });
  }
  try {
    await Promise.all([here.ward ? showOffices(here, mine) : null, showNearest(here, mine)]);
    if (mine === seq) say(status, "");
  } catch (failure) {
    if (mine === seq) say(error, failure.message);
  }
}

/** Wire the buttons; `locate(lon, lat)` sets the place from the device's position. */
export function setUpWhereAmI({ locate, pick }) {
  locateButton.addEventListener("click", () => {
    say(error, "");
    if (!navigator.geolocation) {
      say(error, text.noGeolocation);
      return;
    }
    say(status, text.locating);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        say(status, text.lookingUp);
        locate(position.coords.longitude, position.coords.latitude);
      },
      (failure) => {
        say(status, "");
        say(error, format(text.locateFailed, { reason: failure.message }));
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
  pickButton.addEventListener("click", () => {
    say(error, "");
    pick(text.pickPrompt).catch(() => {});
  });
  categorySelect.addEventListener("change", () => {
    if (place) showNearest(place, seq).catch((failure) => say(error, failure.message));
  });
  document.addEventListener("commonmap:place", (event) => show(event.detail));
}
