/*
 * The notices in force at the chosen place, most severe first (the API's order): category,
 * severity in words (the colour only repeats it), the time window, the text in the page's
 * language; and a link to the Atom feed of the place's ward.
 */

import { apiUrl, callApi, dateTime, element, format, labels, text, urls } from "./common.js";

const section = document.getElementById("here-notices");
const list = document.getElementById("here-notice-list");
const listStatus = document.getElementById("here-notices-status");
const listError = document.getElementById("here-notices-error");
const feed = document.getElementById("here-feed");
const categories = labels("here-notice-categories");
const severities = labels("here-notice-severities");

let seq = 0;

function noticeItem(notice) {
  const severity = severities[notice.severity] || notice.severity;
  return element(
    "li",
    { class: `here-notice here-severity-${notice.severity}`, "data-notice": String(notice.id) },
    element(
      "p",
      { class: "here-notice-meta" },
      element("span", { class: "here-notice-category", text: categories[notice.category] || notice.category }),
      " · ",
      element("span", { class: "here-notice-severity", text: format(text.severity, { severity }) }),
    ),
    element("h3", { text: notice.title }),
    element("p", {
      class: "here-hint",
      text: format(text.noticeWindow, { start: dateTime(notice.starts_at), end: dateTime(notice.ends_at) }),
    }),
    notice.body ? element("p", { class: "here-notice-body", text: notice.body }) : null,
  );
}

/** List the notices in force at `place` (from `commonmap:place`) and link its ward's feed. */
export async function showNotices(place) {
  const mine = ++seq;
  section.hidden = false;
  list.replaceChildren();
  listError.textContent = "";
  listStatus.textContent = text.loading;
  feed.hidden = !place.ward;
  if (place.ward) feed.href = urls.feedUrl.replace("WARDCODE", encodeURIComponent(place.ward.code));
  try {
    const { body } = await callApi(apiUrl(urls.noticesUrl, { lon: place.lon, lat: place.lat }));
    if (mine !== seq) return;
    listStatus.textContent = body.results.length ? "" : text.noNotices;
    list.replaceChildren(...body.results.map(noticeItem));
  } catch (error) {
    if (mine !== seq) return;
    listStatus.textContent = "";
    listError.textContent = error.message;
  }
}
