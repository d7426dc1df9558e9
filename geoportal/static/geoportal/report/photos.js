// report/photos.js: the photos of a report, resized in the browser before upload: each file
// is decoded (turned upright by its EXIF orientation), drawn on a canvas no larger than the
// limit the page was given, and encoded again as JPEG, which leaves EXIF (GPS, device) behind.
// Previews with remove buttons; the API's count and size limits checked before sending.

import { fill, texts } from "./common.js";

const input = document.getElementById("report-photos");
const previews = document.getElementById("report-previews");
const status = document.getElementById("report-photos-status");
const errorBox = document.getElementById("report-photos-error");
const MAX_COUNT = Number(texts.maxPhotos) || 5;
const MAX_BYTES = Number(texts.maxBytes) || 10 * 1024 * 1024;
const MAX_SIDE = Number(texts.maxSide) || 1600;
const JPEG_QUALITY = 0.85;

const chosen = []; // {blob, url, name}
let pending = Promise.resolve();

/** The photos to send, as {blob, name}, once every chosen file has been resized. */
export async function photosToSend() {
  await pending;
  return chosen.map(({ blob, name }) => ({ blob, name }));
}

/** Forget every photo (a new report). */
export function clearPhotos() {
  for (const photo of chosen.splice(0)) URL.revokeObjectURL(photo.url);
  render();
}

/** A JPEG of `file` whose longest side is at most MAX_SIDE; null if it cannot be decoded. */
async function resized(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return null;
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // JPEG has no transparency: a PNG's clear parts become white
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
}

function jpegName(name, index) {
  const stem = String(name || `photo-${index}`).replace(/\.[^.]*$/, "");
  return `${stem || "photo"}.jpg`;
}

function render() {
  previews.replaceChildren();
  chosen.forEach((photo, index) => {
    const n = index + 1;
    const item = document.createElement("li");
    const image = document.createElement("img");
    image.src = photo.url;
    image.alt = fill(texts.photoAlt, { n });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary remove-photo";
    remove.textContent = "×";
    remove.setAttribute("aria-label", fill(texts.photoRemove, { n }));
    remove.addEventListener("click", () => {
      URL.revokeObjectURL(photo.url);
      chosen.splice(chosen.indexOf(photo), 1);
      errorBox.textContent = "";
      render();
      const buttons = previews.querySelectorAll(".remove-photo");
      (buttons[Math.min(index, buttons.length - 1)] ?? input).focus();
    });
    item.append(image, remove);
    previews.append(item);
  });
  previews.hidden = chosen.length === 0;
  input.disabled = chosen.length >= MAX_COUNT;
}

async function add(files) {
  const problems = [];
  status.textContent = texts.photoPreparing;
  for (const file of files) {
    if (chosen.length >= MAX_COUNT) {
      problems.push(texts.photoCount);
      break;
    }
    const blob = await resized(file);
    if (!blob) {
      problems.push(fill(texts.photoUnreadable, { name: file.name }));
    } else if (blob.size > MAX_BYTES) {
      problems.push(fill(texts.photoTooBig, { name: file.name }));
    } else {
      const name = jpegName(file.name, chosen.length + 1);
      chosen.push({ blob, name, url: URL.createObjectURL(blob) });
    }
  }
  status.textContent = "";
  errorBox.textContent = problems.join(" ");
  input.removeAttribute("aria-invalid");
  render();
}

/** Wire the file input. */
export function initPhotos() {
  input.addEventListener("change", () => {
    const files = Array.from(input.files ?? []);
    input.value = ""; // the same file may be chosen again after removing it
    if (files.length) pending = pending.then(() => add(files));
  });
  render();
}
