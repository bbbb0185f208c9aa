// Every form: the error summary (includes/form_errors.html) takes the focus, so that a
// screen reader announces the errors first and the keyboard starts from them (RGAA 11.10).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".form-error-summary");
    if (summary) { summary.focus(); }
  });
})();
