// An import job's report in readable form: counts, the file's CRS and encoding, notes,
// and the refused and repaired rows (paged tables) and the rows outside the city.
"use strict";

import { element, number, say } from "./import_texts.js";

const PAGE_SIZE = 25;

const CRS_SOURCES = { file: "crsFile", stated: "crsStated", assumed: "crsAssumed" };

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

/** A paged table of row notes ({row, reason, key?}) inside holder. */
function rowTable(holder, notes, count) {
  holder.replaceChildren();
  if (!notes.length) {
    holder.append(element("p", say("none")));
    return;
  }
  holder.append(document.getElementById("row-table").content.cloneNode(true));
  const body = holder.querySelector("tbody");
  const pager = holder.querySelector(".pager");
  const pageOf = holder.querySelector(".page-of");
  const [back, forward] = pager.querySelectorAll("button");
  const pages = Math.ceil(notes.length / PAGE_SIZE);
  const label = document.getElementById(holder.dataset.heading).textContent;
  holder.querySelector("table").setAttribute("aria-label", label);
  let page = 1;

  function draw() {
    const start = (page - 1) * PAGE_SIZE;
    body.replaceChildren(
      ...notes.slice(start, start + PAGE_SIZE).map((note) => {
        const row = document.createElement("tr");
        row.append(element("td", number(note.row)), element("td", note.key ?? ""));
        row.append(element("td", note.reason));
        return row;
      }),
    );
    pageOf.textContent = say("pageOf", { page, pages });
    back.disabled = page === 1;
    forward.disabled = page === pages;
  }

  pager.addEventListener("click", (event) => {
    const step = Number(event.target.dataset.step || 0);
    if (!step) return;
    page = Math.min(pages, Math.max(1, page + step));
    draw();
  });
  pager.hidden = pages === 1;
  const listed = holder.querySelector(".listed");
  listed.textContent =
    count > notes.length ? say("listedOf", { listed: number(notes.length), count: number(count) }) : "";
  draw();
}

/** Fill the report section from a job's report. */
export function showReport(job) {
  const report = job.report;
  const section = document.getElementById("job-report");
  if (!report) {
    section.hidden = true;
    return;
  }
  setText("count-read", number(report.rows_read));
  setText("count-valid", number(Math.max(0, report.rows_read - report.rejected_count)));
  setText("count-repaired", number(report.repaired_count));
  setText("count-refused", number(report.rejected_count));
  setText("count-outside", number(report.outside_count));
  setText("written-label", say(report.committed ? "written" : "wouldWrite"));
  const written = report.imported + report.updated;
  setText("count-written", number(report.committed || report.dry_run ? written : 0));
  setText("fact-format", report.format);
  const source = CRS_SOURCES[report.crs_source];
  setText("fact-crs", source ? say(source, { crs: report.crs }) : report.crs);
  setText("fact-encoding", report.encoding || "—");
  setText("fact-geometry", report.geometry_type);
  setText("fact-layer", report.layer);
  setText("fact-committed", say(report.committed ? "yes" : "no"));
  const notes = document.getElementById("report-notes");
  notes.replaceChildren(...report.notes.map((note) => element("li", note)));
  rowTable(document.getElementById("refused-rows"), report.rejected, report.rejected_count);
  rowTable(document.getElementById("repaired-rows"), report.repaired, report.repaired_count);
  const outside = report.outside_city;
  let text = outside.length ? outside.map(number).join(", ") : say("none");
  if (report.outside_count > outside.length) {
    text += ` ${say("listedOf", { listed: number(outside.length), count: number(report.outside_count) })}`;
  }
  setText("outside-rows", text);
  section.hidden = false;
}
