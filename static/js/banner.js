// Scrolling banner: a visible pause/play control (WCAG 2.2.2). One state only:
// the button's label says what it will do (no aria-pressed beside it).
(function () {
  document.querySelectorAll("[data-banner]").forEach(function (banner) {
    var button = banner.querySelector("[data-banner-toggle]");
    var label = banner.querySelector("[data-banner-label]");
    var icon = banner.querySelector("[data-banner-icon]");
    if (!button) return;
    button.addEventListener("click", function () {
      var paused = banner.classList.toggle("is-paused");
      label.textContent = paused ? button.dataset.labelPlay : button.dataset.labelPause;
      icon.textContent = paused ? "▶" : "❚❚";
    });
  });
})();
