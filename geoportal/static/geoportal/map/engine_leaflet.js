// The fallback map for devices without WebGL: the vendored Leaflet, loaded only then. With
// MapProxy (#map[data-mapproxy-url]) the basemap and the current wards are its raster tiles,
// and the layers one clicks on (facilities, feedback, ...) stay GeoJSON from the APIs on top.
// Without it, every layer is drawn in the style's colours from the GeoJSON APIs (the wards of
// the chosen generation once, the other layers for the view on every move).

import { colourExpression, colourFor } from "./paint.js";
import { apiUrl, featuresUrl, getJSON, routes } from "./util.js";
import { writeHashView } from "./urlstate.js";

const AREA_PAGE = 500;
const FEATURE_PAGE = 500;
const SIMPLIFY_M = 20;
const CITY_CENTRE = [10.78, 106.7];
const RASTER_MAX_ZOOM = 19;

/** MapProxy's XYZ URL of one of its layers (named as `manage.py mapproxy_config` names them). */
function rasterUrl(mapproxy, name) {
  return `${mapproxy.replace(/\/$/, "")}/tiles/${encodeURIComponent(name)}/EPSG3857/{z}/{x}/{y}.png?origin=nw`;
}

function load(tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement(tag), attributes);
    element.addEventListener("load", resolve, { once: true });
    element.addEventListener("error", () => reject(new Error(`${attributes.src ?? attributes.href}`)), { once: true });
    document.head.append(element);
  });
}

async function allPages(url) {
  const features = [];
  let next = url;
  while (next) {
    const page = await getJSON(next);
    features.push(...page.features);
    next = page.next;
  }
  return features;
}

/** A Leaflet map in `container` drawing the `visible` layers of `style`. */
export async function createLeafletEngine(container, style, { visible, view, currentGeneration, categories }) {
  await Promise.all([
    load("link", { rel: "stylesheet", href: routes.leafletCss }),
    load("script", { src: routes.leafletJs }),
  ]);
  const L = window.L;
  const map = L.map(container, { zoomSnap: 0.25, keyboard: true });
  if (view) map.setView([view.lat, view.lon], view.zoom, { animate: false });
  else map.setView(CITY_CENTRE, 10, { animate: false });
  const shown = new Set(visible);
  const groups = new Map(); // slug -> L.GeoJSON
  const seqs = new Map(); // slug -> the latest request's number
  let generation = currentGeneration;
  let shownCategories = categories ?? null; // facility category codes, null: all
  const mapproxy = routes.mapproxyUrl || "";
  const raster = (name) =>
    L.tileLayer(rasterUrl(mapproxy, name), { maxZoom: RASTER_MAX_ZOOM, className: `raster-${name}` });
  const wardsRaster = mapproxy ? raster("areas") : null;
  if (mapproxy) raster("basemap").addTo(map);
  let marker = null;
  let clicked = []; // the features under the last click (Leaflet fires them before the map)

  function geoJsonLayer(slug, features) {
    const colour = colourExpression(style, slug);
    return L.geoJSON(features, {
      style: (feature) => ({
        color: colourFor(colour, feature.properties),
        weight: 1,
        fillColor: colourFor(colour, feature.properties),
        fillOpacity: slug === "areas" ? 0.15 : 0.4,
      }),
      pointToLayer: (feature, latlng) =>
        L.circleMarker(latlng, {
          radius: 5,
          color: "#fff",
          weight: 1,
          fillColor: colourFor(colour, feature.properties),
          fillOpacity: 0.95,
        }),
      onEachFeature: (feature, layer) => {
        layer.on("click", () => clicked.push({ slug, properties: feature.properties }));
      },
    });
  }

  async function draw(slug) {
    const seq = (seqs.get(slug) ?? 0) + 1;
    seqs.set(slug, seq);
    if (!shown.has(slug)) {
      groups.get(slug)?.remove();
      groups.delete(slug);
      return;
    }
    let features;
    if (slug === "areas" && wardsRaster && generation === currentGeneration) {
      // The current wards come as MapProxy's tiles; a former generation from the areas API.
      groups.get(slug)?.remove();
      groups.set(slug, wardsRaster.addTo(map));
      return;
    } else if (slug === "areas") {
      features = await allPages(apiUrl(routes.areasUrl, { level: "ward", generation, page_size: AREA_PAGE, simplify: SIMPLIFY_M }));
    } else {
      const b = map.getBounds();
      const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
      features = (await getJSON(featuresUrl(slug, { bbox, page_size: FEATURE_PAGE }))).features;
      if (slug === "facilities" && shownCategories) {
        features = features.filter((f) => shownCategories.includes(f.properties.category));
      }
    }
    if (seqs.get(slug) !== seq) return;
    groups.get(slug)?.remove();
    const layer = geoJsonLayer(slug, features).addTo(map);
    if (slug === "areas") layer.bringToBack();
    groups.set(slug, layer);
  }

  map.on("moveend", () => {
    const c = map.getCenter();
    writeHashView(map.getZoom(), c.lat, c.lng);
    for (const slug of shown) if (slug !== "areas") draw(slug).catch(() => {});
  });

  const engine = {
    map: null,
    leaflet: map,
    kind: "leaflet",
    keyTarget: container,
    ready: Promise.all([...shown].map((slug) => draw(slug))),

    /** Show only the facilities of the categories `codes` (null: every category). */
    setCategories(codes) {
      shownCategories = codes;
      return draw("facilities");
    },

    setVisible(slug, on) {
      on ? shown.add(slug) : shown.delete(slug);
      return draw(slug);
    },

    async setGeneration(chosen) {
      generation = chosen || currentGeneration;
      await draw("areas");
    },

    flyTo(lon, lat, zoom) {
      map.setView([lat, lon], Math.max(map.getZoom(), zoom));
    },

    centre() {
      const c = map.getCenter();
      return { lon: c.lng, lat: c.lat };
    },

    setMarker(lon, lat) {
      marker?.remove();
      marker = L.circleMarker([lat, lon], {
        className: "place-marker-fallback",
        radius: 7,
        color: "#fff",
        weight: 2,
        fillColor: "#b03a2e",
        fillOpacity: 1,
        interactive: false,
      }).addTo(map);
    },

    onClick(handler) {
      map.on("click", (event) => {
        const features = clicked.reverse();
        clicked = [];
        const { lng, lat } = event.latlng.wrap();
        handler(lng, lat, features);
      });
    },

    refresh(slug) {
      return draw(slug);
    },
  };
  return engine;
}
