// The map on MapLibre GL JS (the CSP build, its worker served by this site) drawing the
// common map's own vector tiles through /tiles/style.json. A former boundary generation,
// which the tiles do not hold, is drawn from the areas API as GeoJSON instead.

import { colourExpression } from "./paint.js";
import { apiUrl, getJSON, routes } from "./util.js";

const FORMER = "former-areas";
const PAGE_SIZE = 500; // the areas API's largest page
const SIMPLIFY_M = 20;
const CLICK_SLOP_PX = 5;

/**
 * A sort key: points before lines before filled polygons; a polygon whose fill the style
 * makes invisible (the city around its wards) comes last, as a click goes through it.
 */
function specificity(feature) {
  const type = feature.geometry.type;
  if (type.endsWith("Point")) return 0;
  if (type.endsWith("LineString")) return 1;
  return feature.layer.paint?.["fill-opacity"] === 0 ? 3 : 2;
}

/**
 * The style filter showing only facilities of `codes` (null: all) on top of a layer's own
 * `filter`: a point by its `category`, a cluster cell (below the cluster zoom) when it
 * counts one of them (`count_category_<code>`).
 */
function categoryFilter(filter, codes) {
  if (!codes) return filter ?? null;
  const clusters = JSON.stringify(filter) === '["has","cluster"]';
  const own = clusters
    ? ["any", false, ...codes.map((code) => [">", ["to-number", ["get", `count_category_${code}`], 0], 0])]
    : ["in", ["get", "category"], ["literal", codes]];
  return filter ? ["all", filter, own] : own;
}

/** Whether this browser can draw WebGL at all (maplibregl.supported is gone in v5). */
export function webglAvailable() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

async function fetchAreas(generation) {
  const features = [];
  let next = apiUrl(routes.areasUrl, { level: "ward", generation, page_size: PAGE_SIZE, simplify: SIMPLIFY_M });
  while (next) {
    const page = await getJSON(next);
    features.push(...page.features);
    next = page.next;
  }
  return { type: "FeatureCollection", features };
}

/**
 * The worker as a blob: URL. A worker runs under the Content-Security-Policy of the answer
 * that served its script, and the site gives every non-HTML answer `default-src 'none'`,
 * under which the worker could not fetch a tile; a blob: worker inherits this page's policy.
 */
async function workerBlobUrl() {
  const response = await fetch(routes.workerUrl, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${routes.workerUrl}: HTTP ${response.status}`);
  const source = await response.blob();
  return URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
}

/** A MapLibre map in `container`; `style` is the style JSON, `visible` the shown slugs. */
export async function createGlEngine(container, style, { visible, view, categories }) {
  const maplibregl = window.maplibregl;
  maplibregl.setWorkerUrl(await workerBlobUrl());
  for (const layer of style.layers) {
    const slug = layer["source-layer"];
    if (!slug) continue;
    layer.layout = { ...(layer.layout ?? {}), visibility: visible.has(slug) ? "visible" : "none" };
  }
  const ownFilters = new Map(); // facilities' style layer id -> its filter from the style
  for (const layer of style.layers) {
    if (layer["source-layer"] !== "facilities") continue;
    ownFilters.set(layer.id, layer.filter);
    const filter = categoryFilter(layer.filter, categories);
    if (filter) layer.filter = filter;
  }
  const options = {
    container,
    style,
    hash: "map",
    attributionControl: { compact: true },
    fadeDuration: 0,
    maxBounds: [
      [104.5, 7.5],
      [109.0, 12.8],
    ],
  };
  if (view) Object.assign(options, { center: [view.lon, view.lat], zoom: view.zoom });
  const map = new maplibregl.Map(options);
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  // The attribution stays folded behind its (i) button: unfolded, it covers a phone's map.
  map.once("load", () => {
    container.querySelector(".maplibregl-ctrl-attrib")?.classList.remove("maplibregl-compact-show");
  });
  // MapLibre's own handler logs a minified error class; say what went wrong instead.
  map.on("error", (event) => console.error(`map: ${event.error?.message ?? event.error}`));
  let marker = null;
  const shown = new Set(visible);
  let formerShown = false;
  let cacheBust = 0;

  const layerIdsOf = (slug) => style.layers.filter((l) => l["source-layer"] === slug).map((l) => l.id);
  const setLayout = (id, on) => {
    if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
  };

  const engine = {
    map,
    kind: "maplibre",
    keyTarget: map.getCanvas(),
    ready: new Promise((resolve) => map.once("idle", resolve)),

    setVisible(slug, on) {
      on ? shown.add(slug) : shown.delete(slug);
      const areasFromTiles = slug === "areas" && formerShown;
      for (const id of layerIdsOf(slug)) setLayout(id, on && !areasFromTiles);
      if (slug === "areas") for (const id of [`${FORMER}-fill`, `${FORMER}-outline`]) setLayout(id, on && formerShown);
    },

    /** Show only the facilities of the categories `codes` (null: every category). */
    setCategories(codes) {
      for (const [id, filter] of ownFilters) if (map.getLayer(id)) map.setFilter(id, categoryFilter(filter, codes));
    },

    /** Draw the wards of `generation` (null: the current one, from the tiles). */
    async setGeneration(generation) {
      formerShown = Boolean(generation);
      if (generation) {
        const data = await fetchAreas(generation);
        if (map.getSource(FORMER)) map.getSource(FORMER).setData(data);
        else {
          map.addSource(FORMER, { type: "geojson", data });
          const colour = colourExpression(style, "areas");
          map.addLayer({ id: `${FORMER}-fill`, type: "fill", source: FORMER, paint: { "fill-color": "#9ecae1", "fill-opacity": 0.15 } }, "areas-outline");
          map.addLayer({ id: `${FORMER}-outline`, type: "line", source: FORMER, paint: { "line-color": colour, "line-width": 1 } }, "areas-outline");
        }
      }
      this.setVisible("areas", shown.has("areas"));
    },

    flyTo(lon, lat, zoom) {
      map.flyTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), zoom), essential: true });
    },

    centre() {
      const { lng, lat } = map.getCenter();
      return { lon: lng, lat };
    },

    setMarker(lon, lat) {
      if (!marker) {
        const dot = document.createElement("div");
        dot.className = "place-marker";
        marker = new maplibregl.Marker({ element: dot });
      }
      marker.setLngLat([lon, lat]).addTo(map);
    },

    /** The features drawn at pixel (x, y) as [{slug, properties}], the most specific first. */
    featuresAt(x, y) {
      const box = [
        [x - CLICK_SLOP_PX, y - CLICK_SLOP_PX],
        [x + CLICK_SLOP_PX, y + CLICK_SLOP_PX],
      ];
      const hits = map.queryRenderedFeatures(box).filter((f) => f.sourceLayer || f.source === FORMER);
      // The most specific first: points, then lines, then polygons one can see.
      hits.sort((a, b) => specificity(a) - specificity(b));
      return hits.map((f) => ({ slug: f.sourceLayer || "areas", properties: f.properties }));
    },

    /** The features under the map's centre (the keyboard's Enter). */
    featuresAtCentre() {
      const { x, y } = map.project(map.getCenter());
      return this.featuresAt(x, y);
    },

    /** `handler(lon, lat, features)` on every click; features as [{slug, properties}]. */
    onClick(handler) {
      map.on("click", (event) => {
        const features = this.featuresAt(event.point.x, event.point.y);
        handler(event.lngLat.lng, event.lngLat.lat, features);
      });
    },

    /** Fetch the tiles again after a write (the server's tile cache is already renewed). */
    refresh() {
      const source = map.getSource("commonmap");
      if (!source?.tiles) return;
      cacheBust += 1;
      source.setTiles(
        source.tiles.map((url) => {
          const base = url.replace(/[?&]v=\d+$/, "");
          return `${base}${base.includes("?") ? "&" : "?"}v=${cacheBust}`;
        }),
      );
    },
  };
  return engine;
}
