// The view kept in the URL so a shared link restores it: ?layers=slug1,slug2&gen=<generation>
// &fac=code1,code2 (the facility categories shown; absent: all)
// (the map's position is MapLibre's own hash, #map=zoom/lat/lon; the fallback writes the same).

/** The layers, generation and facility categories the URL asks for (null: not named). */
export function readState() {
  const params = new URLSearchParams(window.location.search);
  const layers = params.has("layers") ? params.get("layers").split(",").filter(Boolean) : null;
  const fac = params.has("fac") ? params.get("fac").split(",").filter(Boolean) : null;
  return { layers, gen: params.get("gen") || null, fac };
}

/** Write the shown layers, the generation (null: the current one) and the facility
 * categories (null: all) into the URL. */
export function writeState({ layers, gen, fac }) {
  const url = new URL(window.location.href);
  url.searchParams.set("layers", layers.join(","));
  if (gen) url.searchParams.set("gen", gen);
  else url.searchParams.delete("gen");
  if (fac) url.searchParams.set("fac", fac.join(","));
  else url.searchParams.delete("fac");
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
