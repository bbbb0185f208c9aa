// Staff forms: move the focus to the error summary so that errors are announced first.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".form-error-summary");
    if (summary) { summary.focus(); }
  });
})();
