// A conversation shown is a conversation read: the page posts « read up to the last
// message shown » once it is displayed (a GET never writes). Without script, the
// « Marquer comme lu » button does the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector(".conversation-messages[data-has-unread]");
    var form = document.querySelector(".conversation-read-form");
    if (!list || !form || !window.fetch) { return; }
    fetch(list.getAttribute("data-read-url"), {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.ok) { form.hidden = true; }
    });
  });
})();
