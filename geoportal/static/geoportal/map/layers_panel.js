// The Layers tab: one labelled checkbox per public layer of the registry, with its legend
// read from the style's paint, and the boundary generation switch beside the wards.

import { colourExpression, colourFor, hasClusters, legendEntries, styleLayersOf } from "./paint.js";
import { legendLabel, text } from "./util.js";

const list = document.getElementById("layer-list");

function swatch(colour, round) {
  const mark = document.createElement("span");
  mark.className = round ? "swatch round" : "swatch";
  mark.style.background = colour;
  mark.setAttribute("aria-hidden", "true");
  return mark;
}

function legendFor(style, slug, title) {
  const styleLayers = styleLayersOf(style, slug);
  const round = styleLayers.some((l) => l.type === "circle");
  const legend = document.createElement("ul");
  legend.className = "legend";
  const entries = legendEntries(colourExpression(style, slug));
  if (hasClusters(style, slug)) entries.push({ key: "clusters", colour: null });
  for (const entry of entries) {
    const item = document.createElement("li");
    if (entry.key === "clusters") {
      const cells = styleLayers.find((l) => JSON.stringify(l.filter) === '["has","cluster"]');
      const cell = swatch(cells?.paint?.["circle-color"] ?? "#5a5a5a", true);
      cell.classList.add("cluster");
      item.append(cell, legendLabel("clusters"));
    } else {
      const own = entry.key === "other" ? legendLabel(`${slug}:other`) : null;
      const label = entry.key ? own ?? legendLabel(entry.key) ?? entry.key.split(":").at(-1) : title;
      item.append(swatch(entry.colour, round), label);
    }
    legend.append(item);
  }
  return legend;
}

function generationSwitch(generations, chosen, onGeneration) {
  const wrap = document.createElement("div");
  wrap.className = "generation";
  const label = document.createElement("label");
  label.htmlFor = "generation";
  label.textContent = text.generation;
  const select = document.createElement("select");
  select.id = "generation";
  for (const generation of generations) select.add(new Option(generation.name, generation.slug));
  select.value = chosen;
  select.addEventListener("change", () => onGeneration(select.value));
  wrap.append(label, select);
  return wrap;
}

/**
 * One labelled checkbox per facility category (`categories`: [{code, name, group}]), each
 * with its legend swatch; `shown` the ticked codes (null: all); `onChange(codes or null)`.
 */
function categoryFilter(style, categories, shown, onChange) {
  const group = document.createElement("fieldset");
  group.className = "category-filter";
  const legend = document.createElement("legend");
  legend.textContent = text.categories;
  group.append(legend);
  const colour = colourExpression(style, "facilities");
  const boxes = [];
  for (const category of categories) {
    const row = document.createElement("div");
    row.className = "category-toggle";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `category-${category.code}`;
    box.value = category.code;
    box.checked = !shown || shown.includes(category.code);
    box.addEventListener("change", () => {
      const ticked = boxes.filter((b) => b.checked).map((b) => b.value);
      onChange(ticked.length === boxes.length ? null : ticked);
    });
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.append(swatch(colourFor(colour, { category_group: category.group }), true), category.name);
    boxes.push(box);
    row.append(box, label);
    group.append(row);
  }
  return group;
}

/** Fill the list: `layers` from the registry, `visible` a Set of slugs shown now. */
export function buildLayerList({
  layers,
  style,
  visible,
  generations,
  generation,
  categories,
  shownCategories,
  onToggle,
  onGeneration,
  onCategories,
}) {
  list.replaceChildren();
  for (const layer of layers) {
    if (styleLayersOf(style, layer.slug).length === 0) continue; // not in the tiles
    const item = document.createElement("li");
    item.className = "layer";
    item.dataset.slug = layer.slug;
    const row = document.createElement("div");
    row.className = "layer-toggle";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `layer-${layer.slug}`;
    box.checked = visible.has(layer.slug);
    box.addEventListener("change", () => onToggle(layer.slug, box.checked));
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = layer.title;
    row.append(box, label);
    item.append(row, legendFor(style, layer.slug, layer.title));
    if (layer.slug === "areas" && generations.length > 1) {
      item.append(generationSwitch(generations, generation, onGeneration));
    }
    if (layer.slug === "facilities" && categories.length > 0) {
      item.append(categoryFilter(style, categories, shownCategories, onCategories));
    }
    list.append(item);
  }
}
