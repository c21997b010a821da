/* On every page: after a failed submission, move the focus to the list of errors, so keyboard
   and screen reader users learn at once what to correct. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
