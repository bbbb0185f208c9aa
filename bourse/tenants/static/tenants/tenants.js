// Tenant area: show/hide passwords, and show the chosen landlord's reference help only.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-password-toggle]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("aria-controls"));
      if (!input) { return; }
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        // One state: the label says what the button does next (no aria-pressed beside it).
        button.textContent = show ? button.dataset.labelHide : button.dataset.labelShow;
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
