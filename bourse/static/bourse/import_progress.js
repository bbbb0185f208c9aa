// Import detail page: poll the import's state until it is finished, then reload.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "1" || !window.fetch) return;
  var url = box.dataset.stateUrl;
  function set(field, value) {
    var el = box.querySelector('[data-field="' + field + '"]');
    if (el && el.textContent !== String(value)) el.textContent = value;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, 5000); return; }
        set("status_label", state.status_label);
        set("rows", state.rows);
        if (state.finished) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
