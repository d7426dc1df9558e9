// The Search tab: wards (former names too), facilities and places, with or without
// diacritics, through the place resolver (/api/v1/feedback/places/). Choosing a result flies
// there; a facility, a point, also becomes the chosen place.

import { apiUrl, format, getJSON, routes, say, text } from "./util.js";

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const error = document.getElementById("search-error");
const results = document.getElementById("search-results");
let seq = 0;

function resultItem(place, choose) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "search-result";
  const name = document.createElement("span");
  name.className = "search-name";
  name.textContent = place.label || place.name;
  const detail = document.createElement("span");
  detail.className = "search-detail";
  const kind = place.kind === "facility" ? text.kindFacility : text.kindArea;
  const parts = [kind];
  if (place.old_name) parts.push(text.former);
  if (place.ward_name && place.ward_name !== place.name) parts.push(format(text.inWard, { ward: place.ward_name }));
  detail.textContent = parts.join(" · ");
  button.append(name, detail);
  button.addEventListener("click", () => choose(place));
  const item = document.createElement("li");
  item.append(button);
  return item;
}

async function search(query, choose) {
  const mine = ++seq;
  results.replaceChildren();
  say(error, "");
  if (!query) return;
  say(status, text.searching);
  try {
    const answer = await getJSON(apiUrl(routes.placesUrl, { q: query }));
    if (mine !== seq) return;
    const places = answer.candidates ?? [];
    results.replaceChildren(...places.map((place) => resultItem(place, choose)));
    say(status, places.length ? format(text.matches, { count: places.length, query }) : format(text.noMatch, { query }));
  } catch (failure) {
    if (mine !== seq) return;
    say(status, "");
    say(error, failure.message);
  }
}

/** Wire the search form; `choose(place)` is called with the result a reader picks. */
export function setUpSearch(choose) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(input.value.trim(), choose);
  });
}
