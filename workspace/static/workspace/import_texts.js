// The import pages' texts: translated by the template (json_script elements), never here.
"use strict";

function readJson(id) {
  const holder = document.getElementById(id);
  return holder ? JSON.parse(holder.textContent) : {};
}

export const texts = readJson("import-texts");
export const statusLabels = readJson("import-status-labels");

/** A text with its {name} placeholders filled in. */
export function say(key, values = {}) {
  const text = texts[key] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** A number as the page's language writes it (1.234 in Vietnamese, 1,234 in English). */
export function number(value) {
  return new Intl.NumberFormat(document.documentElement.lang || undefined).format(value);
}

/** A date and time as the page's language writes it. */
export function when(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "short",
    timeStyle: "short",
  }).format(new Date(iso));
}

/** An element with a class and text. */
export function element(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text !== "") node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Show an API error (its message and hint) in a role="alert" holder; empty clears it. */
export function showError(holder, error) {
  holder.replaceChildren();
  if (!error) return;
  holder.append(element("p", error.message, "error"));
  const hint = error.body && error.body.hint;
  if (hint) holder.append(element("p", hint, "hint"));
}
