// Small helpers the workspace's pages share: the page's texts, {placeholder} filling,
// dates in the page's language, and elements built without innerHTML.
"use strict";

/** The data-* texts and settings of #ws-text. */
export const text = document.getElementById("ws-text").dataset;

/** The page's language (the <html lang>). */
export const lang = document.documentElement.lang || "vi";

/** A JSON object the template put in <script type="application/json" id=...>. */
export function jsonData(id) {
  const holder = document.getElementById(id);
  return holder ? JSON.parse(holder.textContent) : {};
}

/** `template` with each {name} replaced by values[name]. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

/** A date-time as this page's readers write it ("" for none). */
export function when(value) {
  if (!value) return "";
  return new Date(value).toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
}

/** An element with attributes/properties and children (strings become text). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("data-") || name.startsWith("aria-") || name === "role" || name === "for")
      node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The workspace page of an item. */
export function itemPage(code) {
  return text.itemPage.replace("CODE", encodeURIComponent(code));
}

/** Show `message` in an alert element (or hide it when empty). */
export function alertIn(node, message) {
  node.textContent = message || "";
  node.hidden = !message;
}
