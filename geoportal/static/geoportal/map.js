/*
 * The public map: the wards of one boundary generation drawn as outlines from the areas
 * API (there is no basemap, so the page works without internet), "which ward is this?"
 * on click from the lookup API, a search by name, and the residents' reports in view
 * (public fields only, at their public, possibly coarsened, locations).
 *
 * Routes come from data-* attributes of #map and translated texts from #ui-text, so this
 * file holds no URL and no language. The Leaflet map is exposed as window.map for the
 * browser tests.
 */

const L = window.L;
const PAGE_SIZE = 500; // the areas API's maximum page size
const SIMPLIFY_M = 20; // metres: invisible at city scale, a fraction of the download
const SEARCH_LIMIT = 10;
const FEEDBACK_PAGE = 1000; // the features API's maximum page size
const OPEN_STATUSES = new Set(["received", "accepted", "in_progress"]);

const WARD_STYLE = { className: "ward", color: "#1f4e79", weight: 1, fillColor: "#dbe7f3", fillOpacity: 0.55 };
const SELECTED_STYLE = { color: "#b03a2e", weight: 3, fillColor: "#f6c9bd", fillOpacity: 0.75 };

const mapEl = document.getElementById("map");
const urls = mapEl.dataset;
const text = document.getElementById("ui-text").dataset;
const typeLabels = Object.fromEntries(
  [...document.querySelectorAll("#area-type-labels [data-type]")].map((el) => [el.dataset.type, el.textContent]),
);
const generationSelect = document.getElementById("generation");
const mapStatus = document.getElementById("map-status");
const notice = document.getElementById("synthetic-notice");
const lookupResult = document.getElementById("lookup-result");
const searchForm = document.getElementById("search");
const searchStatus = document.getElementById("search-status");
const searchResults = document.getElementById("search-results");
const feedbackToggle = document.getElementById("feedback-toggle");
const feedbackStatus = document.getElementById("feedback-status");
const statusLabels = Object.fromEntries(
  [...document.querySelectorAll("#feedback-status-labels [data-status]")].map((el) => [el.dataset.status, el.textContent]),
);
const english = document.documentElement.lang.startsWith("en");

const map = L.map(mapEl, { center: [10.78, 106.7], zoom: 10, zoomSnap: 0.25 });
window.map = map;

const state = {
  generations: [],
  generation: null, // the generation whose wards are drawn
  wards: null, // L.GeoJSON of those wards
  byCode: new Map(), // ward code -> its polygon layer
  selected: null, // the highlighted polygon layer
  point: null, // the last clicked L.LatLng
  marker: null,
  fitted: false,
  // Sequence numbers: an answer that arrives after a newer request was made is dropped.
  drawSeq: 0,
  lookupSeq: 0,
  searchSeq: 0,
  feedback: null, // L.LayerGroup of the reports in view
  feedbackSeq: 0,
};

/** An API answer with an error status; message is the API's own `detail`. */
class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
}

function apiUrl(base, params) {
  const url = new URL(base, window.location.href);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.detail ?? `HTTP ${response.status}`);
  return body;
}

function showStatus(element, message, isError = false) {
  element.textContent = message;
  element.classList.toggle("error", isError);
}

// --- boundary generations and their wards ---------------------------------------------

async function loadGenerations() {
  state.generations = await getJSON(urls.generationsUrl);
  for (const generation of state.generations) {
    generationSelect.add(new Option(generation.name, generation.slug));
  }
  const current = state.generations.find((g) => g.valid_to === null) ?? state.generations.at(-1);
  generationSelect.value = current.slug;
  return current.slug;
}

async function fetchWards(slug) {
  const features = [];
  let next = apiUrl(urls.areasUrl, { level: "ward", generation: slug, page_size: PAGE_SIZE, simplify: SIMPLIFY_M });
  while (next) {
    const page = await getJSON(next);
    features.push(...page.features);
    next = page.next;
  }
  return features;
}

function drawWards(features) {
  state.wards?.remove();
  state.byCode.clear();
  state.selected = null;
  state.wards = L.geoJSON(features, {
    style: () => WARD_STYLE,
    onEachFeature(feature, layer) {
      state.byCode.set(String(feature.id), layer);
      layer.bindTooltip(feature.properties.name, { sticky: true, direction: "top" });
    },
  }).addTo(map);
  if (!state.fitted && features.length > 0) {
    // No animation: "ready" below must mean the view is final (the tests click on it).
    map.fitBounds(state.wards.getBounds(), { padding: [8, 8], animate: false });
    state.fitted = true; // later generations keep the view, so places stay comparable
  }
  notice.hidden = !features.some((feature) => feature.properties.geometry_is_synthetic);
  mapEl.dataset.wardCount = String(features.length);
  mapEl.dataset.generation = state.generation.slug;
}

async function showGeneration(slug) {
  const seq = ++state.drawSeq;
  state.generation = state.generations.find((g) => g.slug === slug);
  mapEl.dataset.state = "loading";
  showStatus(mapStatus, text.loading);
  searchResults.replaceChildren();
  showStatus(searchStatus, "");
  try {
    const features = await fetchWards(slug);
    if (seq !== state.drawSeq) return;
    drawWards(features);
    showStatus(mapStatus, format(text.drawn, { count: features.length }));
    mapEl.dataset.state = "ready";
  } catch (error) {
    if (seq !== state.drawSeq) return;
    showStatus(mapStatus, format(text.loadFailed, { error: error.message }), true);
    mapEl.dataset.state = "error";
  }
}

function highlight(code) {
  if (state.selected) {
    state.wards.resetStyle(state.selected);
    state.selected.getElement()?.classList.remove("is-selected");
  }
  state.selected = (code && state.byCode.get(code)) || null;
  if (state.selected) {
    state.selected.setStyle(SELECTED_STYLE).bringToFront();
    state.selected.getElement()?.classList.add("is-selected");
  }
}

// --- which ward is this? --------------------------------------------------------------

function showMessage(message, isError = false) {
  const paragraph = document.createElement("p");
  paragraph.className = isError ? "message error" : "message";
  paragraph.textContent = message;
  lookupResult.replaceChildren(paragraph);
}

function showArea({ area, parents, generation }) {
  const view = document.getElementById("area-template").content.cloneNode(true);
  const slot = (name) => view.querySelector(`[data-slot="${name}"]`);
  slot("name").textContent = area.name;
  slot("type").textContent = typeLabels[area.type] ?? area.type;
  slot("code").textContent = area.code;
  for (const parent of parents) {
    const item = document.createElement("li");
    item.textContent = `${parent.name} (${parent.code})`;
    slot("parents").append(item);
  }
  slot("generation").textContent = generation.name;
  lookupResult.replaceChildren(view);
}

async function lookUp(latlng) {
  const seq = ++state.lookupSeq;
  state.point = latlng;
  state.marker?.remove();
  state.marker = L.circleMarker(latlng, {
    className: "lookup-point",
    radius: 5,
    color: "#fff",
    weight: 2,
    fillColor: "#b03a2e",
    fillOpacity: 1,
    interactive: false,
  }).addTo(map);
  showMessage(text.lookingUp);
  lookupResult.setAttribute("aria-busy", "true");
  const params = {
    lon: latlng.lng.toFixed(6),
    lat: latlng.lat.toFixed(6),
    date: state.generation.valid_from,
  };
  try {
    const answer = await getJSON(apiUrl(urls.lookupUrl, params));
    if (seq !== state.lookupSeq) return;
    showArea(answer);
    highlight(answer.area.code);
  } catch (error) {
    if (seq !== state.lookupSeq) return;
    highlight(null);
    // The API's own message (outside every area, bad point) is what the reader needs.
    showMessage(error instanceof ApiError ? error.message : format(text.lookupFailed, { error: error.message }), true);
  } finally {
    if (seq === state.lookupSeq) lookupResult.removeAttribute("aria-busy");
  }
}

// --- search by name -------------------------------------------------------------------

function zoomTo(feature) {
  map.fitBounds(L.geoJSON(feature).getBounds(), { maxZoom: 15, padding: [24, 24] });
  highlight(String(feature.id));
}

function listMatch(feature) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = feature.properties.name;
  const code = document.createElement("span");
  code.className = "code";
  code.textContent = feature.id;
  button.append(" ", code);
  button.addEventListener("click", () => zoomTo(feature));
  const item = document.createElement("li");
  item.append(button);
  return item;
}

async function search(query) {
  const seq = ++state.searchSeq;
  searchResults.replaceChildren();
  if (!query) {
    showStatus(searchStatus, "");
    return;
  }
  showStatus(searchStatus, text.searching);
  const params = {
    level: "ward",
    generation: state.generation.slug,
    q: query,
    page_size: SEARCH_LIMIT,
    simplify: SIMPLIFY_M,
  };
  try {
    const page = await getJSON(apiUrl(urls.areasUrl, params));
    if (seq !== state.searchSeq) return;
    searchResults.replaceChildren(...page.features.map(listMatch));
    if (page.features.length === 0) {
      showStatus(searchStatus, format(text.noMatch, { query }));
      return;
    }
    const more = page.count > page.features.length;
    showStatus(searchStatus, more ? format(text.moreMatches, { count: page.count, shown: page.features.length }) : "");
    zoomTo(page.features[0]);
  } catch (error) {
    if (seq !== state.searchSeq) return;
    showStatus(searchStatus, format(text.searchFailed, { error: error.message }), true);
  }
}

// --- residents' reports ---------------------------------------------------------------

function reportPopup(properties) {
  // Built with textContent only: descriptions are residents' own words.
  const box = document.createElement("div");
  box.className = "report";
  const line = (tag, className, content) => {
    const element = document.createElement(tag);
    element.className = className;
    element.textContent = content;
    box.append(element);
  };
  line("strong", "report-category", english ? properties.category_name_en : properties.category_name);
  line("p", "report-status", `${statusLabels[properties.status] ?? properties.status} · ${properties.tracking_code}`);
  line("p", "report-description", properties.description);
  const reported = new Date(properties.created_at).toLocaleDateString(document.documentElement.lang);
  line("p", "report-meta", `${format(text.reported, { date: reported })} · ${properties.ward_name}`);
  if (properties.location_precision_m > 0) {
    line("p", "report-approximate", format(text.approximate, { metres: properties.location_precision_m }));
  }
  const link = document.createElement("a");
  link.href = urls.trackUrl.replace("CODE", properties.tracking_code);
  link.textContent = properties.tracking_code;
  link.className = "report-link";
  box.append(link);
  return box;
}

function drawReports(features) {
  state.feedback?.remove();
  state.feedback = L.layerGroup(
    features.map((feature) => {
      const [lon, lat] = feature.geometry.coordinates;
      const open = OPEN_STATUSES.has(feature.properties.status);
      return L.circleMarker([lat, lon], {
        className: `feedback-point status-${feature.properties.status}`,
        radius: 6,
        color: "#fff",
        weight: 1.5,
        fillColor: open ? "#d35400" : "#1e8449",
        fillOpacity: 0.95,
      }).bindPopup(() => reportPopup(feature.properties));
    }),
  ).addTo(map);
  mapEl.dataset.feedbackCount = String(features.length);
}

async function showReports() {
  const seq = ++state.feedbackSeq;
  if (!feedbackToggle.checked) {
    state.feedback?.remove();
    showStatus(feedbackStatus, "");
    return;
  }
  const bounds = map.getBounds();
  const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
    .map((value) => value.toFixed(6))
    .join(",");
  try {
    const page = await getJSON(apiUrl(urls.feedbackUrl, { bbox, page_size: FEEDBACK_PAGE }));
    if (seq !== state.feedbackSeq) return;
    drawReports(page.features);
    const shown = page.features.length;
    showStatus(
      feedbackStatus,
      page.count > shown ? format(text.feedbackMore, { shown, count: page.count }) : format(text.feedbackShown, { count: shown }),
    );
    mapEl.dataset.feedbackState = "ready";
  } catch (error) {
    if (seq !== state.feedbackSeq) return;
    showStatus(feedbackStatus, format(text.feedbackFailed, { error: error.message }), true);
    mapEl.dataset.feedbackState = "error";
  }
}

// --- wiring ---------------------------------------------------------------------------

map.on("moveend", () => showReports());
feedbackToggle.addEventListener("change", () => showReports());

map.on("click", (event) => {
  if (state.generation) lookUp(event.latlng.wrap());
});

generationSelect.addEventListener("change", async () => {
  await showGeneration(generationSelect.value);
  if (state.point) lookUp(state.point); // the same place under the other boundaries
});

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (state.generation) search(new FormData(searchForm).get("q").trim());
});

try {
  await showGeneration(await loadGenerations());
  await showReports();
} catch (error) {
  showStatus(mapStatus, format(text.loadFailed, { error: error.message }), true);
  mapEl.dataset.state = "error";
}
