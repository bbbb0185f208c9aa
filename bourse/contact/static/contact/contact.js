// Move the focus to the error summary of the contact form (RGAA 11.10).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-contact-errors]");
  if (summary) {
    summary.focus();
  }
});
