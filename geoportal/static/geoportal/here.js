/*
 * here.js: rate your ward, the surveys open and the notices in force where you are (the
 * Here tab, below map core's "Where am I?"; see map.html).
 *
 * It follows the place map core chooses (`commonmap:place` on document, and
 * `window.commonMap.place` for one chosen before this module ran) and the resident's sign-in
 * (`commonmap:resident` from resident.js): the rating and survey forms are offered only to a
 * signed-in resident, notices to everyone.
 */

import { forgetResident, residentExpiry, residentToken } from "./resident.js";
import { dateTime, format, text } from "./here/common.js";
import { showNotices } from "./here/notices.js";
import { showWard, updateSignedIn as updateRating } from "./here/rating.js";
import { showSurveys, updateSignedIn as updateSurveys } from "./here/surveys.js";

const empty = document.getElementById("here-empty");
const signedIn = document.getElementById("here-signed-in");
const signedOut = document.getElementById("here-signed-out");
const forget = document.getElementById("here-forget");

let lastPlace = null;
let expiryTimer = null;

function showResident() {
  const token = residentToken() !== null;
  const expiry = residentExpiry();
  signedIn.hidden = !token;
  signedOut.hidden = token;
  forget.hidden = !token;
  if (token) signedIn.textContent = expiry ? format(text.signedIn, { time: dateTime(expiry) }) : text.signedInNoExpiry;
  updateRating();
  updateSurveys();
  // Stop offering the forms when the token runs out while the page is open.
  clearTimeout(expiryTimer);
  if (token && expiry) expiryTimer = setTimeout(showResident, Math.min(expiry.getTime() - Date.now() + 1000, 2 ** 31 - 1));
}

function samePlace(a, b) {
  return a && b && a.lon === b.lon && a.lat === b.lat && (a.ward?.code ?? null) === (b.ward?.code ?? null);
}

function showPlace(place) {
  if (!place || typeof place.lon !== "number" || typeof place.lat !== "number") return;
  if (samePlace(place, lastPlace)) return;
  lastPlace = place;
  empty.hidden = true;
  showWard(place);
  showSurveys(place);
  showNotices(place);
}

document.addEventListener("commonmap:place", (event) => showPlace(event.detail));
document.addEventListener("commonmap:ready", () => showPlace(window.commonMap?.place));
document.addEventListener("commonmap:resident", showResident);
forget.addEventListener("click", () => {
  forgetResident();
  signedOut.focus(); // the button is gone: keep the keyboard's place
});

showResident();
showPlace(window.commonMap?.place);
