/*
 * The citizens' map: MapLibre GL JS on the common map's own vector tiles (/tiles/style.json),
 * or the vendored Leaflet on the GeoJSON APIs where WebGL is missing. It owns the tabs, the
 * layer list (map/layers_panel.js), search (map/search.js), "Where am I?" (map/whereami.js),
 * feature details (map/details.js) and the view kept in the URL (map/urlstate.js).
 *
 * The page's other scripts (here.js, report.js) use only window.commonMap:
 *   { map, pickPoint(prompt), showTab(name), refreshLayer(slug), place }
 * set before `commonmap:ready` is dispatched on document; `commonmap:place` is dispatched
 * with {lon, lat, source, ward} whenever the chosen place changes.
 */

import { closeDetails, setRegistry, showDetails } from "./map/details.js";
import { createGlEngine, webglAvailable } from "./map/engine_gl.js";
import { createLeafletEngine } from "./map/engine_leaflet.js";
import { buildLayerList } from "./map/layers_panel.js";
import { styleLayersOf } from "./map/paint.js";
import { setUpSearch } from "./map/search.js";
import { currentTab, setUpTabs, showTab } from "./map/tabs.js";
import { readHashView, readState, writeState } from "./map/urlstate.js";
import { apiUrl, format, getJSON, mapEl, routes, say, text } from "./map/util.js";
import { setUpWhereAmI } from "./map/whereami.js";

const mapArea = mapEl.parentElement;
const mapStatus = document.getElementById("map-status");
const layersError = document.getElementById("layers-error");
const prompt = document.getElementById("map-prompt");
const crosshair = document.getElementById("map-crosshair");

const state = {
  engine: null,
  visible: new Set(),
  generation: null, // a former generation's slug; null: the current one (the tiles')
  categories: null, // the facility category codes shown; null: every category
  pick: null, // {resolve, reject} while a point is being picked
  placeSeq: 0,
};

const saveView = () => writeState({ layers: [...state.visible], gen: state.generation, fac: state.categories });
// The facility categories, named in the page's language: [{code, name, group}].
const facilityCategories = [...document.querySelectorAll("#facility-categories li")].map((item) => ({
  code: item.dataset.code,
  group: item.dataset.group,
  name: item.textContent,
}));

// --- the chosen place ------------------------------------------------------------------

async function wardAt(lon, lat) {
  try {
    const answer = await getJSON(apiUrl(routes.lookupUrl, { lon: lon.toFixed(6), lat: lat.toFixed(6) }));
    return { code: answer.area.code, name: answer.area.name, generation: answer.generation.slug };
  } catch {
    return null; // outside every ward (the API's 404), or unreachable: no ward to name
  }
}

/** Make (lon, lat) the chosen place: a marker, its ward, then `commonmap:place`. */
async function setPlace(lon, lat, source) {
  const mine = ++state.placeSeq;
  state.engine?.setMarker(lon, lat);
  if (source === "locate") state.engine?.flyTo(lon, lat, 15);
  const ward = await wardAt(lon, lat);
  if (mine !== state.placeSeq) return;
  const place = { lon, lat, source, ward };
  window.commonMap.place = place;
  document.dispatchEvent(new CustomEvent("commonmap:place", { detail: place }));
}

// --- picking a point -------------------------------------------------------------------

function endPick() {
  state.pick = null;
  prompt.hidden = true;
  crosshair.hidden = true;
  mapArea.classList.remove("picking");
}

function finishPick(lon, lat) {
  const { resolve } = state.pick;
  endPick();
  resolve({ lon, lat });
  setPlace(lon, lat, "pick");
}

/** The next click (or Enter on the map's centre) picks a point; Escape rejects. */
function pickPoint(message) {
  state.pick?.reject(new DOMException("Another point is being chosen.", "AbortError"));
  return new Promise((resolve, reject) => {
    state.pick = { resolve, reject };
    prompt.textContent = message || text.pickPrompt;
    prompt.hidden = false;
    crosshair.hidden = false;
    mapArea.classList.add("picking");
    state.engine?.keyTarget.focus();
  });
}

document.addEventListener("keydown", (event) => {
  if (!state.pick) {
    // Enter on the map opens the details of what is drawn at its centre (MapLibre only).
    const engine = state.engine;
    if (event.key !== "Enter" || !engine?.featuresAtCentre || event.target !== engine.keyTarget) return;
    const features = engine.featuresAtCentre();
    if (features.length === 0) return;
    event.preventDefault();
    showDetails(features[0], engine.keyTarget);
    return;
  }
  if (event.key === "Escape") {
    const { reject } = state.pick;
    endPick();
    reject(new DOMException("Cancelled.", "AbortError"));
  } else if (event.key === "Enter" && mapArea.contains(event.target) && state.engine) {
    event.preventDefault();
    const { lon, lat } = state.engine.centre();
    finishPick(lon, lat);
  }
});

function onMapClick(lon, lat, features) {
  if (state.pick) {
    finishPick(lon, lat);
  } else if (currentTab() === "here") {
    setPlace(lon, lat, "click");
  } else if (features.length > 0) {
    showDetails(features[0], state.engine.keyTarget);
  } else {
    closeDetails();
  }
}

// --- search results ----------------------------------------------------------------------

function goTo(place) {
  const point = place.kind === "facility";
  state.engine.flyTo(place.lon, place.lat, point ? 17 : 14);
  if (point) setPlace(place.lon, place.lat, "search");
}

// --- start -----------------------------------------------------------------------------

window.commonMap = {
  map: null,
  pickPoint,
  showTab: (name) => showTab(name),
  refreshLayer: (slug) => state.engine?.refresh(slug),
  place: null,
};

setUpTabs();
setUpSearch(goTo);
setUpWhereAmI({ locate: (lon, lat) => setPlace(lon, lat, "locate"), pick: pickPoint });

async function start() {
  mapEl.dataset.state = "loading";
  const [style, layers, generations] = await Promise.all([
    getJSON(routes.styleUrl),
    getJSON(routes.layersUrl),
    getJSON(routes.generationsUrl),
  ]);
  setRegistry(layers);
  const current = generations.find((g) => g.valid_to === null) ?? generations.at(-1);
  const asked = readState();
  const drawn = layers.filter((l) => styleLayersOf(style, l.slug).length > 0).map((l) => l.slug);
  const byDefault = drawn.filter((slug) =>
    styleLayersOf(style, slug).some((layer) => layer.layout?.visibility !== "none"),
  );
  state.visible = new Set(asked.layers ? asked.layers.filter((s) => drawn.includes(s)) : byDefault);
  const known = generations.some((g) => g.slug === asked.gen);
  state.generation = known && asked.gen !== current.slug ? asked.gen : null;
  const codes = facilityCategories.map((c) => c.code);
  state.categories = asked.fac ? asked.fac.filter((code) => codes.includes(code)) : null;

  const options = {
    visible: state.visible,
    view: readHashView(),
    currentGeneration: current.slug,
    categories: state.categories,
  };
  if (webglAvailable() && window.maplibregl) {
    state.engine = await createGlEngine(mapEl, style, options);
  } else {
    say(mapStatus, text.fallback);
    state.engine = await createLeafletEngine(mapEl, style, options);
  }
  mapEl.dataset.engine = state.engine.kind;
  state.engine.onClick(onMapClick);
  window.commonMap.map = state.engine.map;
  document.dispatchEvent(new CustomEvent("commonmap:ready"));

  buildLayerList({
    layers,
    style,
    visible: state.visible,
    generations,
    generation: state.generation ?? current.slug,
    categories: facilityCategories,
    shownCategories: state.categories,
    onCategories(chosen) {
      state.categories = chosen;
      saveView();
      Promise.resolve(state.engine.setCategories(chosen)).catch((e) => say(layersError, e.message));
    },
    onToggle(slug, on) {
      on ? state.visible.add(slug) : state.visible.delete(slug);
      saveView();
      Promise.resolve(state.engine.setVisible(slug, on)).catch((e) => say(layersError, e.message));
    },
    onGeneration(slug) {
      state.generation = slug === current.slug ? null : slug;
      saveView();
      say(layersError, "");
      state.engine.setGeneration(state.generation).catch((e) => say(layersError, e.message));
    },
  });

  await state.engine.ready;
  if (state.generation) await state.engine.setGeneration(state.generation);
  performance.mark("commonmap:map-rendered");
  mapEl.dataset.state = "ready";
  if (state.engine.kind === "maplibre") say(mapStatus, text.ready);
}

start().catch((error) => {
  mapEl.dataset.state = "error";
  say(mapStatus, "");
  say(layersError, format(text.loadFailed, { error: error.message }));
});
