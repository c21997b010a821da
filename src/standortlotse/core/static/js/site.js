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
