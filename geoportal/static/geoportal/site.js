// The site's frame: the language list switches as soon as a language is chosen (the button
// stays for keyboards and for browsers without scripts).
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}
