// The workspace's maps: MapLibre GL JS (the CSP build, served from this site) on the site's
// own style (/tiles/style.json), with the queue's items as a GeoJSON source, or a click that
// picks a point (hotline intake). Without WebGL there is no map: the pages work without it.
"use strict";

const CITY_CENTRE = [106.7, 10.78];
const EMPTY = { type: "FeatureCollection", features: [] };

/** Whether this browser can draw WebGL (MapLibre needs it). */
export function webglAvailable() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

// The workspace draws its own items over the wards only: the site's style, cut to its
// background and the "areas" layers, reading the areas' tiles alone (lighter than the
// citizens' map's every-layer tiles).
const BASE_LAYER = "areas";

async function baseStyle(styleUrl) {
  const response = await fetch(styleUrl, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${styleUrl}: HTTP ${response.status}`);
  const style = await response.json();
  for (const source of Object.values(style.sources)) {
    if (source.type === "vector" && source.url) {
      source.url = source.url.replace(/\/tiles\/[^/]+\.json/, `/tiles/${BASE_LAYER}.json`);
    }
  }
  style.layers = style.layers.filter(
    (layer) => layer.type === "background" || layer["source-layer"] === BASE_LAYER,
  );
  return style;
}

// The first view: around `features` when there are some (set when the map is made, so no
// tiles are fetched for a view left at once), else the city.
function firstView(features) {
  if (!features || !features.length) return { center: CITY_CENTRE, zoom: 10 };
  const lons = features.map((f) => f.geometry.coordinates[0]);
  const lats = features.map((f) => f.geometry.coordinates[1]);
  const box = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  if (box[0] === box[2] && box[1] === box[3]) return { center: [box[0], box[1]], zoom: 15 };
  return { bounds: box, fitBoundsOptions: { padding: 40, maxZoom: 16 } };
}

/** A map in `container` (framing `features`, if given), or null when this browser cannot
 * draw one. Resolves once its style is loaded. */
export async function createMap(container, { styleUrl, workerUrl, features }) {
  if (!window.maplibregl || !webglAvailable()) return null;
  window.maplibregl.setWorkerUrl(workerUrl); // the CSP build: a worker file, not a blob
  const map = new window.maplibregl.Map({
    container,
    style: await baseStyle(styleUrl),
    ...firstView(features),
    attributionControl: { compact: true },
    fadeDuration: 0,
  });
  map.addControl(new window.maplibregl.NavigationControl({ showCompass: false }));
  map.on("error", (event) => {
    const message = `map: ${event.error?.message ?? event.error}`;
    // A tile whose fetch was cut off (status 0: the view moved, the page was left) is
    // fetched again when needed; anything else is a real failure.
    if (event.error?.status === 0) console.warn(message);
    else console.error(message);
  });
  // The style (not every tile) is what adding the items' source needs.
  if (!map.isStyleLoaded()) await new Promise((resolve) => map.once("style.load", resolve));
  return map;
}

/** Draw `features` (GeoJSON points with a `code` property) as the "queue-items" layer;
 * a click on one calls onPick(code). (The map frames them when it is made.) */
export function showItems(map, features, onPick) {
  const data = { type: "FeatureCollection", features };
  const source = map.getSource("queue-items");
  if (source) {
    source.setData(data);
  } else {
    map.addSource("queue-items", { type: "geojson", data });
    map.addLayer({
      id: "queue-items",
      type: "circle",
      source: "queue-items",
      paint: {
        "circle-radius": 7,
        "circle-color": ["case", ["get", "overdue"], "#a12a1f", "#1f4e79"],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 2,
      },
    });
    map.on("click", "queue-items", (event) => {
      const feature = event.features && event.features[0];
      if (feature) onPick(feature.properties.code);
    });
    map.on("mouseenter", "queue-items", () => (map.getCanvas().style.cursor = "pointer"));
    map.on("mouseleave", "queue-items", () => (map.getCanvas().style.cursor = ""));
  }
  map.getContainer().dataset.items = String(features.length); // for tests and tools
}

/** Show one chosen point (a marker-like circle) on the map. */
export function showPoint(map, lon, lat) {
  const data =
    lon === null
      ? EMPTY
      : { type: "FeatureCollection", features: [{ type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties: {} }] };
  const source = map.getSource("chosen-point");
  if (source) {
    source.setData(data);
  } else {
    map.addSource("chosen-point", { type: "geojson", data });
    map.addLayer({
      id: "chosen-point",
      type: "circle",
      source: "chosen-point",
      paint: { "circle-radius": 8, "circle-color": "#d97706", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 },
    });
  }
  if (lon !== null) map.easeTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 15), duration: 0 });
}
