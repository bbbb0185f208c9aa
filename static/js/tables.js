// Wide tables scroll inside their own box (.table-responsive), never the page
// (reflow, WCAG 1.4.10). A box that does scroll becomes a keyboard stop named
// after its table's caption, so that it can be scrolled without a mouse.
(function () {
  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
        box.dataset.scrollRegion = "";
      } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }
  update();
  window.addEventListener("resize", update);
})();
