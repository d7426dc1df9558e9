// The leaders' dashboard page: a choropleth (MapLibre GL JS, served from this site), a
// ranked table and a 12-month trend chart (plain SVG), all read from /api/v1/dashboard/.
// Texts and settings come from the template (#ui-text, the measure options); no inline script.
"use strict";

(() => {
  const text = document.getElementById("ui-text").dataset;
  const lang = document.documentElement.lang || "vi";
  const minSample = Number(text.minSample);
  const RAMP = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  const NO_DATA = "#d9d9d9";
  const form = document.getElementById("controls");
  const measureSelect = document.getElementById("measure");
  const kindSelect = document.getElementById("period-kind");
  const monthInput = document.getElementById("period-month");
  const status = document.getElementById("status");
  const mapBox = document.getElementById("map");
  const legend = document.getElementById("legend");
  const trendSelect = document.getElementById("trend-ward");
  const trendBox = document.getElementById("trend");
  const trendStatus = document.getElementById("trend-status");
  const monthCache = new Map();
  let board = null; // the last GeoJSON answer
  let fitted = false;

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  const number = (value) =>
    value === null || value === undefined
      ? "—"
      : Number(value).toLocaleString(lang, { maximumFractionDigits: 1 });

  function chosenMeasure() {
    const option = measureSelect.selectedOptions[0];
    return {
      name: option.value,
      label: option.textContent.trim(),
      better: option.dataset.better,
      base: option.dataset.base,
    };
  }

  function chosenGeneration() {
    return new FormData(form).get("generation");
  }

  // The month input gives the month; the kind turns it into its quarter or year.
  function chosenPeriod() {
    const [year, month] = (monthInput.value || "").split("-");
    if (!year || !month) return null;
    if (kindSelect.value === "year") return year;
    if (kindSelect.value === "quarter") return `${year}-Q${Math.ceil(Number(month) / 3)}`;
    return `${year}-${month}`;
  }

  // The 12 months ending with the period's last month, oldest first.
  function trendMonths() {
    const [year, month] = monthInput.value.split("-").map(Number);
    let last = month;
    if (kindSelect.value === "quarter") last = Math.ceil(month / 3) * 3;
    if (kindSelect.value === "year") last = 12;
    const months = [];
    for (let back = 11; back >= 0; back -= 1) {
      const index = year * 12 + (last - 1) - back;
      const m = (index % 12) + 1;
      months.push(`${Math.floor(index / 12)}-${String(m).padStart(2, "0")}`);
    }
    return months;
  }

  async function getJson(params) {
    const url = `${text.apiUrl}?${new URLSearchParams(params)}`;
    const response = await fetch(url, { credentials: "same-origin" });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    return body;
  }

  // A ward has enough data for a measure when it has a value and, for a share, a time or a
  // mean, the count it rests on reaches the minimum sample.
  function enough(props, measure) {
    const value = props[measure.name];
    if (value === null || value === undefined) return false;
    return !measure.base || Number(props[measure.base]) >= minSample;
  }

  function classify(features, measure) {
    const values = features
      .filter((f) => enough(f.properties, measure))
      .map((f) => Number(f.properties[measure.name]));
    const low = values.length ? Math.min(...values) : 0;
    const high = values.length ? Math.max(...values) : 0;
    const step = (high - low) / RAMP.length;
    const classOf = (value) =>
      step > 0 ? Math.min(RAMP.length - 1, Math.floor((value - low) / step)) : RAMP.length - 1;
    return { low, high, step, classOf, any: values.length > 0 };
  }

  function drawLegend(scale, measure) {
    legend.replaceChildren();
    const title = document.createElement("p");
    title.className = "legend-title";
    title.textContent = measure.label;
    const list = document.createElement("ul");
    const item = (swatchClass, colour, label) => {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = `swatch ${swatchClass}`;
      if (colour) swatch.style.background = colour;
      li.append(swatch, document.createTextNode(label));
      list.append(li);
    };
    if (scale.any) {
      const classes = scale.step > 0 ? RAMP.length : 1;
      for (let i = 0; i < classes; i += 1) {
        const colour = scale.step > 0 ? RAMP[i] : RAMP[RAMP.length - 1];
        const from = scale.low + i * scale.step;
        const to = scale.step > 0 ? from + scale.step : scale.high;
        item("", colour, from === to ? number(from) : `${number(from)} – ${number(to)}`);
      }
    }
    item("hatched", "", text.notEnough);
    legend.append(title, list);
  }

  function hatchImage() {
    const size = 8;
    const data = new Uint8Array(size * size * 4);
    for (let y = 0; y < size; y += 1) {
      for (let x = 0; x < size; x += 1) {
        const on = (x + y) % size < 2;
        data.set(on ? [110, 110, 110, 255] : [217, 217, 217, 255], (y * size + x) * 4);
      }
    }
    return { width: size, height: size, data };
  }

  maplibregl.setWorkerUrl(text.workerUrl); // the CSP build: a worker file, not a blob
  const map = new maplibregl.Map({
    container: mapBox,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }],
    },
    center: [106.7, 10.78],
    zoom: 8,
    attributionControl: false,
    fadeDuration: 0,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  const mapReady = new Promise((resolve) => map.once("load", resolve));
  mapReady.then(() => {
    map.addImage("hatch", hatchImage());
    map.addSource("wards", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({
      id: "wards-fill",
      type: "fill",
      source: "wards",
      filter: ["==", ["get", "_enough"], true],
      paint: { "fill-color": ["get", "_colour"], "fill-opacity": 0.9 },
    });
    map.addLayer({
      id: "wards-hatch",
      type: "fill",
      source: "wards",
      filter: ["==", ["get", "_enough"], false],
      paint: { "fill-pattern": "hatch" },
    });
    map.addLayer({
      id: "wards-line",
      type: "line",
      source: "wards",
      paint: { "line-color": "#555555", "line-width": 0.6 },
    });
    map.on("click", "wards-fill", pickWard);
    map.on("click", "wards-hatch", pickWard);
  });

  function pickWard(event) {
    const code = event.features[0] && event.features[0].properties.code;
    if (code && [...trendSelect.options].some((o) => o.value === code)) {
      trendSelect.value = code;
      drawTrend();
    }
  }

  function bounds(features) {
    let box = null;
    const walk = (coords) => {
      if (typeof coords[0] === "number") {
        box = box
          ? [
              Math.min(box[0], coords[0]),
              Math.min(box[1], coords[1]),
              Math.max(box[2], coords[0]),
              Math.max(box[3], coords[1]),
            ]
          : [coords[0], coords[1], coords[0], coords[1]];
      } else coords.forEach(walk);
    };
    features.forEach((f) => walk(f.geometry.coordinates));
    return box;
  }

  async function drawMap(features, measure, scale) {
    await mapReady;
    mapBox.dataset.state = "drawing";
    const painted = features
      .filter((f) => f.geometry)
      .map((f) => {
        const ok = enough(f.properties, measure);
        const value = Number(f.properties[measure.name]);
        const colour = ok ? RAMP[scale.classOf(value)] : NO_DATA;
        return { ...f, properties: { ...f.properties, _enough: ok, _colour: colour } };
      });
    map.getSource("wards").setData({ type: "FeatureCollection", features: painted });
    const box = bounds(painted);
    if (box && !fitted) {
      map.fitBounds(box, { padding: 10, animate: false });
      fitted = true;
    }
    map.once("idle", () => {
      mapBox.dataset.state = "ready";
      // For bench/pages.py: the time to the first drawn map, as the citizens' map marks it.
      if (!performance.getEntriesByName("commonmap:map-rendered").length) {
        performance.mark("commonmap:map-rendered");
      }
    });
    map.triggerRepaint();
  }

  function cell(tag, content, attributes = {}) {
    const element = document.createElement(tag);
    element.textContent = content;
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    return element;
  }

  function drawTable(features, measure, period) {
    const wards = features.filter((f) => f.properties.code);
    const ranked = wards.filter((f) => enough(f.properties, measure));
    const apart = wards.filter((f) => !enough(f.properties, measure));
    const sign = measure.better === "lower" ? 1 : -1;
    const byCode = (a, b) => (a.properties.code < b.properties.code ? -1 : 1);
    ranked.sort((a, b) => {
      const diff = sign * (a.properties[measure.name] - b.properties[measure.name]);
      return diff || byCode(a, b);
    });
    apart.sort(byCode);
    const rankedBody = document.getElementById("ranked");
    const apartBody = document.getElementById("not-enough");
    rankedBody.replaceChildren();
    apartBody.replaceChildren();
    let rank = 0;
    let previous = null;
    ranked.forEach((f, index) => {
      const value = f.properties[measure.name];
      if (value !== previous) rank = index + 1; // equal values share a rank
      previous = value;
      const row = document.createElement("tr");
      row.dataset.code = f.properties.code;
      row.append(
        cell("td", String(rank)),
        cell("td", f.properties.code),
        cell("th", f.properties.name, { scope: "row" }),
        cell("td", number(value), { class: "num" }),
      );
      rankedBody.append(row);
    });
    if (apart.length) {
      const heading = document.createElement("tr");
      heading.append(cell("th", text.notEnoughHeading, { colspan: "4", scope: "rowgroup" }));
      apartBody.append(heading);
    }
    apart.forEach((f) => {
      const row = document.createElement("tr");
      row.dataset.code = f.properties.code;
      row.append(
        cell("td", "—"),
        cell("td", f.properties.code),
        cell("th", f.properties.name, { scope: "row" }),
        cell("td", text.notEnough, { class: "num" }),
      );
      apartBody.append(row);
    });
    document.getElementById("value-heading").textContent = measure.label;
    const caption = measure.better === "lower" ? text.lowerFirst : text.higherFirst;
    document.getElementById("ranking-caption").textContent = fill(caption, {
      measure: measure.label,
      period,
    });
    document.getElementById("ranking").dataset.measure = measure.name;
  }

  function fillTrendWards(features) {
    const chosen = trendSelect.value;
    const wards = features.filter((f) => f.properties.code);
    trendSelect.replaceChildren(
      ...wards.map((f) => cell("option", `${f.properties.name} (${f.properties.code})`, {
        value: f.properties.code,
      })),
    );
    if (wards.some((f) => f.properties.code === chosen)) trendSelect.value = chosen;
    else {
      const first = document.querySelector("#ranked tr");
      if (first) trendSelect.value = first.dataset.code;
    }
  }

  async function monthBoard(month, generation) {
    const key = `${generation}/${month}`;
    if (!monthCache.has(key)) {
      monthCache.set(key, getJson({ period: month, generation }));
    }
    try {
      return await monthCache.get(key);
    } catch (error) {
      monthCache.delete(key);
      throw error;
    }
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attributes, content) {
    const element = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    if (content !== undefined) element.textContent = content;
    return element;
  }

  let trends = 0; // only the latest trend asked for is drawn
  async function drawTrend() {
    const mine = (trends += 1);
    const code = trendSelect.value;
    if (!code) {
      trendBox.replaceChildren();
      return;
    }
    const measure = chosenMeasure();
    const generation = chosenGeneration();
    const months = trendMonths();
    const wardName = trendSelect.selectedOptions[0].textContent;
    trendBox.dataset.state = "loading";
    trendStatus.textContent = text.trendLoading;
    let boards;
    try {
      boards = await Promise.all(months.map((m) => monthBoard(m, generation)));
    } catch (error) {
      if (mine !== trends) return;
      trendStatus.textContent = fill(text.trendFailed, { error: error.message });
      trendBox.dataset.state = "failed";
      return;
    }
    if (mine !== trends) return;
    const points = boards.map((b, i) => {
      const row = b.results.find((r) => r.code === code);
      const value = row ? row[measure.name] : null;
      return { month: months[i], value, enough: row ? enough(row, measure) : false };
    });
    const width = 640;
    const height = 220;
    const pad = { left: 48, right: 12, top: 12, bottom: 36 };
    const known = points.filter((p) => p.value !== null && p.value !== undefined);
    const top = Math.max(1, ...known.map((p) => Number(p.value)));
    const x = (i) => pad.left + (i * (width - pad.left - pad.right)) / (months.length - 1);
    const y = (v) => height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
    const chart = svg("svg", {
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-label": fill(text.trendLabel, { measure: measure.label, ward: wardName }),
    });
    chart.append(
      svg("line", { x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0), class: "axis" }),
      svg("line", { x1: pad.left, x2: pad.left, y1: pad.top, y2: y(0), class: "axis" }),
      svg("text", { x: pad.left - 6, y: y(top) + 4, class: "tick end" }, number(top)),
      svg("text", { x: pad.left - 6, y: y(0) + 4, class: "tick end" }, "0"),
    );
    months.forEach((m, i) => {
      const [year, month] = m.split("-");
      chart.append(
        svg("text", { x: x(i), y: height - pad.bottom + 16, class: "tick" }, `${month}/${year.slice(2)}`),
      );
    });
    const line = known.map((p) => `${x(points.indexOf(p))},${y(Number(p.value))}`).join(" ");
    if (known.length > 1) chart.append(svg("polyline", { points: line, class: "trend-line" }));
    points.forEach((p, i) => {
      if (p.value === null || p.value === undefined) return;
      const dot = svg("circle", {
        cx: x(i),
        cy: y(Number(p.value)),
        r: 4,
        class: p.enough ? "point" : "point thin",
        "data-month": p.month,
      });
      dot.append(svg("title", {}, `${p.month}: ${number(p.value)}${p.enough ? "" : ` (${text.notEnough})`}`));
      chart.append(dot);
    });
    trendBox.replaceChildren(chart);
    trendBox.dataset.state = "ready";
    trendBox.dataset.points = String(known.length);
    trendStatus.textContent = fill(text.trendDrawn, {
      measure: measure.label,
      ward: wardName,
      first: months[0],
      last: months[months.length - 1],
    });
  }

  function render() {
    if (!board) return;
    const measure = chosenMeasure();
    const scale = classify(board.features, measure);
    drawLegend(scale, measure);
    drawTable(board.features, measure, board.period);
    drawMap(board.features, measure, scale);
    if (!board.features.some((f) => f.properties.code)) status.textContent = text.noWards;
  }

  let loads = 0; // only the latest request's answer is drawn
  async function load() {
    const period = chosenPeriod();
    if (!period) return;
    const mine = (loads += 1);
    status.textContent = text.loading;
    document.body.dataset.state = "loading";
    let answer;
    try {
      answer = await getJson({ period, generation: chosenGeneration(), format: "geojson" });
    } catch (error) {
      if (mine !== loads) return;
      status.textContent = fill(text.failed, { error: error.message });
      document.body.dataset.state = "failed";
      return;
    }
    if (mine !== loads) return;
    board = answer;
    const wards = board.features.filter((f) => f.properties.code);
    status.textContent = fill(text.loaded, { count: wards.length, period: board.period });
    render();
    fillTrendWards(board.features);
    document.body.dataset.state = "ready";
    drawTrend();
  }

  form.addEventListener("submit", (event) => event.preventDefault());
  measureSelect.addEventListener("change", () => {
    render();
    drawTrend();
  });
  kindSelect.addEventListener("change", load);
  monthInput.addEventListener("change", load);
  form.querySelectorAll("input[name=generation]").forEach((radio) => {
    radio.addEventListener("change", () => {
      fitted = false;
      load();
    });
  });
  trendSelect.addEventListener("change", drawTrend);
  document.getElementById("ranked").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-code]");
    if (row) {
      trendSelect.value = row.dataset.code;
      drawTrend();
    }
  });
  load();
})();
