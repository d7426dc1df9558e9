// A clicked feature's public details, in a dialog over the map: only the fields the layer
// registry marks public (the tiles and APIs hold no others), focus moved to it, Escape or
// the close button closes it and gives the focus back.

import { english, format, routes, text } from "./util.js";

const box = document.getElementById("feature-details");
const title = document.getElementById("feature-details-title");
const layerLine = document.getElementById("feature-details-layer");
const body = document.getElementById("feature-details-body");
const track = document.getElementById("feature-details-track");
const closeButton = document.getElementById("feature-details-close");
let returnFocus = null;
// Titles and kinds of the registry's fields, per layer: {slug: {title, fields: Map}}.
const registry = new Map();

/** Remember the registry's layers (their titles and public fields). */
export function setRegistry(layers) {
  for (const layer of layers) {
    const fields = new Map(layer.fields.filter((f) => f.public).map((f) => [f.name, f]));
    registry.set(layer.slug, { title: layer.title, fields });
  }
}

const SKIP = new Set(["attributes", "geometry_is_synthetic"]);

function shown(value, field) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "object") return null;
  if (field.type === "datetime" || /_at$/.test(field.name)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date.toLocaleString(document.documentElement.lang);
  }
  if (field.type === "boolean") return value === true || value === "true" ? "✓" : "✗";
  return String(value);
}

function featureTitle(properties, layerTitle) {
  const localised = english ? properties.title_en : properties.title_vi;
  return properties.name || localised || properties.title || properties.category_name || properties.tracking_code || layerTitle;
}

/** Show `feature` ({slug, properties}); `opener` gets the focus back on close. */
export function showDetails(feature, opener) {
  const layer = registry.get(feature.slug) ?? { title: feature.slug, fields: new Map() };
  const { properties } = feature;
  body.replaceChildren();
  track.hidden = true;
  layerLine.textContent = layer.title;
  if ("cluster" in properties) {
    title.textContent = layer.title;
    const row = document.createElement("p");
    row.textContent = format(text.cluster, { count: properties.count ?? "?" });
    body.append(row);
  } else {
    title.textContent = featureTitle(properties, layer.title);
    for (const [name, field] of layer.fields) {
      if (SKIP.has(name)) continue;
      const value = shown(properties[name], field);
      if (value === null) continue;
      const term = document.createElement("dt");
      term.textContent = field.title;
      const detail = document.createElement("dd");
      detail.textContent = value;
      body.append(term, detail);
    }
    if (properties.tracking_code) {
      track.href = routes.trackUrl.replace("CODE", encodeURIComponent(properties.tracking_code));
      track.hidden = false;
    }
  }
  box.dataset.layer = feature.slug;
  box.hidden = false;
  returnFocus = opener ?? document.activeElement;
  box.focus();
}

/** Close the dialog (if open) and give the focus back. */
export function closeDetails() {
  if (box.hidden) return;
  box.hidden = true;
  returnFocus?.focus?.();
  returnFocus = null;
}

closeButton.addEventListener("click", closeDetails);
box.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.stopPropagation();
    closeDetails();
  }
});
