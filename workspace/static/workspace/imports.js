// /workspace/imports/: upload a file with the import's options (POST /api/v1/imports/),
// then open its job's page; and the list of the person's import jobs, newest first.
"use strict";

import { apiGet, apiSend } from "./api.js";
import { element, say, showError, statusLabels, when } from "./import_texts.js";

const form = document.getElementById("import-form");
const api = form.dataset.api;
const errorBox = document.getElementById("import-error");
const statusLine = document.getElementById("import-status");
const submit = document.getElementById("import-submit");
const mode = document.getElementById("import-mode");
const keyField = document.getElementById("import-key-field");
const MIB = 1024 * 1024;

/** The job's own page in the workspace. */
function jobPage(id) {
  return `${window.location.pathname.replace(/\/$/, "")}/${id}/`;
}

function megabytes(size) {
  const value = size / MIB;
  return value >= 0.1 ? value.toFixed(1) : value.toPrecision(2);
}

function showKeyField() {
  keyField.hidden = mode.value !== "upsert";
}

/** The imported layers (not the built-in ones) as suggestions for the layer name. */
async function suggestLayers() {
  const reserved = new Set((form.dataset.reserved || "").split(","));
  const list = document.getElementById("import-layers");
  try {
    const layers = await apiGet(form.dataset.layersApi);
    for (const layer of layers) {
      if (reserved.has(layer.slug)) continue;
      const option = document.createElement("option");
      option.value = layer.slug;
      option.label = layer.title;
      list.append(option);
    }
  } catch {
    // Suggestions only: the form works without them.
  }
}

/** The form as the API takes it: empty fields left out, check boxes as true/false. */
function formData() {
  const data = new FormData();
  for (const input of form.elements) {
    if (!input.name || input.disabled) continue;
    if (input.type === "file") {
      if (input.files.length) data.append(input.name, input.files[0]);
    } else if (input.type === "checkbox") {
      data.append(input.name, input.checked ? "true" : "false");
    } else if (input.value.trim() !== "" && !(input.name === "key" && keyField.hidden)) {
      data.append(input.name, input.value.trim());
    }
  }
  return data;
}

async function upload(event) {
  event.preventDefault();
  showError(errorBox, null);
  const file = form.elements.file.files[0];
  const limit = Number(form.dataset.maxBytes);
  if (file && limit && file.size > limit) {
    const message = say("fileTooLarge", {
      name: file.name,
      size: megabytes(file.size),
      limit: megabytes(limit),
    });
    showError(errorBox, { message, body: {} });
    return;
  }
  submit.disabled = true;
  statusLine.textContent = file ? say("uploading", { name: file.name }) : "";
  try {
    const job = await apiSend(api, "POST", formData());
    window.location.assign(jobPage(job.id));
  } catch (error) {
    statusLine.textContent = "";
    showError(errorBox, error);
    const field = error.body && error.body.parameter && form.elements[error.body.parameter];
    if (field && field.focus) field.focus();
    submit.disabled = false;
  }
}

// --- the list of jobs -----------------------------------------------------------------

const table = document.querySelector("#jobs tbody");
const jobsError = document.getElementById("jobs-error");
const previous = document.getElementById("jobs-prev");
const next = document.getElementById("jobs-next");
const pageLabel = document.getElementById("jobs-page");
let page = 1;

function jobRow(job) {
  const row = document.createElement("tr");
  const file = document.createElement("td");
  const link = element("a", job.file);
  link.href = jobPage(job.id);
  file.append(link);
  row.append(file, element("td", job.layer));
  row.append(element("td", job.dry_run ? say("dryRun") : say("realImport")));
  row.append(element("td", statusLabels[job.status] || job.status, `job-status ${job.status}`));
  const uploaded = element("td");
  const time = element("time", when(job.created_at));
  time.dateTime = job.created_at;
  uploaded.append(time);
  row.append(uploaded);
  return row;
}

async function loadJobs() {
  showError(jobsError, null);
  try {
    const body = await apiGet(`${api}?page=${page}`);
    const size = body.results.length;
    table.replaceChildren(...body.results.map(jobRow));
    if (!body.count) {
      const row = document.createElement("tr");
      const cell = element("td", say("noJobs"));
      cell.colSpan = 5;
      row.append(cell);
      table.append(row);
    }
    const pages = body.next ? Math.ceil(body.count / Math.max(size, 1)) : page;
    pageLabel.textContent = body.next || body.previous ? say("pageOf", { page, pages }) : "";
    previous.disabled = !body.previous;
    next.disabled = !body.next;
  } catch (error) {
    showError(jobsError, error);
  }
}

previous.addEventListener("click", () => {
  page = Math.max(1, page - 1);
  loadJobs();
});
next.addEventListener("click", () => {
  page += 1;
  loadJobs();
});
mode.addEventListener("change", showKeyField);
form.addEventListener("submit", upload);
showKeyField();
suggestLayers();
loadJobs();
