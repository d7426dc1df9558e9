// /workspace/imports/<id>/: one import job, polled until it ends (a <progress> bar and a
// polite live status), then its report; a dry run offers "Confirm import" (POST .../confirm/),
// which queues the real import and opens its page; a committed layer links to the map.
"use strict";

import { apiGet, apiSend } from "./api.js";
import { number, say, showError, statusLabels } from "./import_texts.js";
import { showReport } from "./import_report.js";

const root = document.getElementById("import-job");
const bar = document.getElementById("job-progress");
const statusLine = document.getElementById("job-status");
const errorBox = document.getElementById("job-error");
const confirmBox = document.getElementById("job-confirm");
const confirmButton = document.getElementById("confirm-button");
const confirmError = document.getElementById("confirm-error");
const partial = document.getElementById("confirm-partial");
const modeLabels = JSON.parse(document.getElementById("import-mode-labels").textContent);
const FINAL = new Set(["succeeded", "rejected", "failed"]);
const POLL_MS = 1000;

function pageOf(jobId) {
  return root.dataset.jobPage.replace("00000000-0000-0000-0000-000000000000", jobId);
}

/** The bar and the status sentence; the sentence changes only when its words do. */
function showProgress(job) {
  const { rows_read: read, rows_total: total, percent } = job.progress;
  if (percent === null || percent === undefined) {
    bar.removeAttribute("value");
  } else {
    bar.value = percent;
  }
  let words;
  if (job.status === "queued") {
    words = say("queued");
  } else if (job.status === "running") {
    words =
      total > 0
        ? say("rowsOf", { read: number(read), total: number(total), percent: number(percent ?? 0) })
        : say("rowsRead", { read: number(read) });
  } else if (job.status === "succeeded") {
    words = job.dry_run ? say("dryRunDone") : `${say("succeeded")} ${say("committed")}`;
  } else if (job.status === "rejected") {
    words = say("rejected");
  } else {
    words = say("failed");
  }
  const label = statusLabels[job.status] || job.status;
  const sentence = `${label}: ${words}`;
  if (statusLine.textContent !== sentence) statusLine.textContent = sentence;
  bar.setAttribute("aria-valuetext", sentence);
}

function showHeader(job) {
  const mode = modeLabels[job.mode] || job.mode;
  let text = say("summary", { file: job.file, layer: job.layer, mode });
  if (job.dry_run) text += ` ${say("dryRunSuffix")}`;
  document.getElementById("job-summary").textContent = text;
}

function showLinks(job) {
  const done = document.getElementById("job-done");
  if (!job.links || !job.links.geojson) {
    done.hidden = true;
    return;
  }
  document.getElementById("link-map").href = `/?layers=${encodeURIComponent(job.layer)}`;
  for (const [id, url] of [
    ["link-geojson", job.links.geojson],
    ["link-ogc", job.links.ogc],
  ]) {
    const link = document.getElementById(id);
    link.href = url;
    link.textContent = url;
  }
  done.hidden = false;
}

function showConfirm(job) {
  const confirmed = document.getElementById("job-confirmed");
  if (job.confirmed_by) {
    const id = job.confirmed_by.replace(/\/$/, "").split("/").pop();
    document.getElementById("job-confirmed-link").href = pageOf(id);
    confirmed.hidden = false;
    confirmBox.hidden = true;
    return;
  }
  confirmed.hidden = true;
  const can = job.dry_run && (job.status === "succeeded" || job.status === "rejected");
  const refused = Boolean(job.report && job.report.rejected_count);
  document.getElementById("confirm-refused").hidden = !refused;
  document.getElementById("confirm-partial-box").hidden = !refused;
  confirmButton.disabled = refused && !partial.checked;
  confirmBox.hidden = !can;
}

function showJob(job) {
  showHeader(job);
  showProgress(job);
  if (job.status === "failed" && job.error) {
    showError(errorBox, { message: job.error.detail, body: job.error });
  }
  showReport(job);
  showLinks(job);
  showConfirm(job);
}

async function poll() {
  try {
    const job = await apiGet(root.dataset.api);
    showError(errorBox, null);
    showJob(job);
    if (!FINAL.has(job.status)) window.setTimeout(poll, POLL_MS);
  } catch (error) {
    showError(errorBox, error);
    statusLine.textContent = "";
    // A lost connection is worth another try; a refusal (403, 404) is not.
    if (error.status === 0 || error.status >= 500) window.setTimeout(poll, POLL_MS * 3);
  }
}

async function confirmImport() {
  showError(confirmError, null);
  confirmButton.disabled = true;
  statusLine.textContent = say("confirming");
  try {
    const job = await apiSend(root.dataset.confirmApi, "POST", { partial: partial.checked });
    window.location.assign(pageOf(job.id));
  } catch (error) {
    showError(confirmError, error);
    statusLine.textContent = "";
    confirmButton.disabled = false;
  }
}

partial.addEventListener("change", () => {
  confirmButton.disabled = !partial.checked;
});
confirmButton.addEventListener("click", confirmImport);
poll();
