// The view kept in the URL so a shared link restores it: ?layers=slug1,slug2&gen=<generation>
// (the map's position is MapLibre's own hash, #map=zoom/lat/lon; the fallback writes the same).

/** The layers and generation the URL asks for; `layers` is null when it names none. */
export function readState() {
  const params = new URLSearchParams(window.location.search);
  const layers = params.has("layers") ? params.get("layers").split(",").filter(Boolean) : null;
  return { layers, gen: params.get("gen") || null };
}

/** Write the shown layers and the generation (null: the current one) into the URL. */
export function writeState({ layers, gen }) {
  const url = new URL(window.location.href);
  url.searchParams.set("layers", layers.join(","));
  if (gen) url.searchParams.set("gen", gen);
  else url.searchParams.delete("gen");
  window.history.replaceState(window.history.state, "", url);
}

/** {zoom, lat, lon} of a `#map=zoom/lat/lon` hash, or null. */
export function readHashView() {
  const match = /map=([\d.]+)\/(-?[\d.]+)\/(-?[\d.]+)/.exec(window.location.hash);
  if (!match) return null;
  return { zoom: Number(match[1]), lat: Number(match[2]), lon: Number(match[3]) };
}

/** Write `#map=zoom/lat/lon` (the fallback map; MapLibre writes its own). */
export function writeHashView(zoom, lat, lon) {
  const url = new URL(window.location.href);
  url.hash = `map=${zoom.toFixed(2)}/${lat.toFixed(5)}/${lon.toFixed(5)}`;
  window.history.replaceState(window.history.state, "", url);
}
