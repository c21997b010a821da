/* On every page: after a failed submission, move the focus to the list of errors, so keyboard
   and screen reader users learn at once what to correct. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});

/* The compact navigation on phones: the menu button shows and hides the search and the links
   (aria-expanded). Without JavaScript css/nojs.css hides the button and opens the menu. */
(function () {
  "use strict";
  var button = document.querySelector(".nav-toggle");
  var menu = document.getElementById("site-menu");
  if (!button || !menu) { return; }
  var header = button.closest(".site-header");
  var narrow = window.matchMedia("(max-width: 47.99em)");
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }
  set(false);
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
})();

/* Search pages on phones: after a search, the filter form (a screen and a half of fields) is
   folded behind one button naming how many filters are active, so the results come first.
   Before a search, with an error to correct, on wider screens and without JavaScript the form
   stays open. The form carries data-fold-on-phone with the button's labels. */
(function () {
  "use strict";
  var form = document.querySelector("form.filters[data-fold-on-phone]");
  if (!form || !form.id) { return; }
  var searched = new URLSearchParams(window.location.search);
  searched.delete("page");
  searched.delete("ids");
  var hasErrors = !!form.querySelector(".error-summary, [aria-invalid=true]");
  if (!searched.toString() || hasErrors) { return; }
  var narrow = window.matchMedia("(max-width: 800px)");
  var active = 0;  // the filters in the address (a word, a ticked kind, a municipality, ...)
  searched.forEach(function (value, key) { if (value && key !== "sort") { active += 1; } });
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary filters-fold";
  button.setAttribute("aria-controls", form.id);
  button.textContent = active
    ? (form.dataset.foldActive || "Change filters ({count} active)").replace("{count}", String(active))
    : (form.dataset.foldLabel || "Change filters");
  form.parentNode.insertBefore(button, form);
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    form.hidden = !open;
  }
  function apply() {
    button.hidden = !narrow.matches;
    set(!narrow.matches);
  }
  button.addEventListener("click", function () {
    set(form.hidden);
    if (!form.hidden) { (form.querySelector("input, select") || form).focus(); }
  });
  if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
  apply();
})();

// A field that gets the focus while partly under the sticky action bar is scrolled up above it
// (WCAG 2.2 SC 2.4.11). The browser scrolls only fields out of view: one whose top edge shows
// above the bar (a tall text box) stayed under it, scroll-padding-bottom notwithstanding.
(function () {
  "use strict";
  if (!document.querySelector(".form-actions")) { return; }
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    var form = field && field.closest ? field.closest("form") : null;
    var bar = form ? form.querySelector(".form-actions") : null;
    if (!bar || bar.contains(field)) { return; }  // only the fields of the bar's own form
    var top = bar.getBoundingClientRect().top;
    var box = field.getBoundingClientRect();
    if (top >= window.innerHeight || top <= box.top) { return; }  // the bar is not over it
    var below = box.bottom - (top - 8);
    if (below > 0) {
      // Never past the field's top: a field taller than the space shows its start.
      window.scrollBy(0, Math.min(below, Math.max(0, box.top - 8)));
    }
  });
})();
