// Tenant area: focus the error summary, show/hide passwords, filter the communes list,
// and show the chosen landlord's reference help only.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".form-error-summary");
    if (summary) { summary.focus(); }

    document.querySelectorAll("[data-password-toggle]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("aria-controls"));
      if (!input) { return; }
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.setAttribute("aria-pressed", show ? "true" : "false");
      });
    });

    document.querySelectorAll("[data-filter-select]").forEach(function (box) {
      var select = document.getElementById(box.getAttribute("data-filter-select"));
      if (!select) { return; }
      box.addEventListener("input", function () {
        var needle = box.value.trim().toLocaleLowerCase("fr");
        select.querySelectorAll("option").forEach(function (option) {
          var text = option.textContent.toLocaleLowerCase("fr");
          option.hidden = needle !== "" && text.indexOf(needle) === -1 && !option.selected;
        });
      });
    });

    var landlord = document.getElementById("id_landlord");
    var helps = document.querySelectorAll(".reference-help-item");
    if (landlord && helps.length) {
      var update = function () {
        helps.forEach(function (item) {
          item.hidden = landlord.value !== "" && item.getAttribute("data-landlord") !== landlord.value;
        });
      };
      landlord.addEventListener("change", update);
      update();
    }
  });
})();
