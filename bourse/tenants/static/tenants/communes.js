// The communes picker (tenants/includes/commune_picker.html): the text box becomes a
// WAI-ARIA combobox (list autocomplete, arrow keys, Enter, Escape) whose suggestions
// come from the server, accent-insensitive; the chosen communes become chips with a
// "Retirer" button. Without JavaScript the same form works: untick to remove, type
// names separated by commas to add.
(function () {
  "use strict";

  function format(template, value) { return template.replace("%s", value); }

  function setup(root) {
    var input = root.querySelector("[data-commune-input]");
    var chips = root.querySelector("[data-commune-chips]");
    var empty = root.querySelector("[data-commune-empty]");
    var status = root.querySelector("[data-commune-status]");
    var url = root.getAttribute("data-suggest-url");
    if (!input || !chips || !url) { return; }
    var name = "communes";
    var listbox = document.createElement("ul");
    listbox.id = input.id + "-suggestions";
    listbox.className = "commune-options list-unstyled";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    listbox.hidden = true;
    // aria-busy is "true" while the suggestions for what is typed have not arrived.
    listbox.setAttribute("aria-busy", "false");
    input.parentNode.appendChild(listbox);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    var places = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function announce(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function refreshEmpty() { empty.hidden = chips.children.length > 0; }

    function chosen(pk) {
      return chips.querySelector('input[value="' + pk + '"]');
    }

    function enhance(item) {
      var box = item.querySelector("input");
      var label = item.querySelector("label");
      var text = label.textContent.trim();
      box.hidden = true;
      var span = document.createElement("span");
      span.textContent = text;
      label.replaceWith(span);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "commune-chip-remove";
      remove.setAttribute("aria-label", format(root.getAttribute("data-remove-label"), text));
      remove.textContent = "×";
      remove.addEventListener("click", function () {
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        refreshEmpty();
        announce(format(root.getAttribute("data-removed-label"), text));
        (next ? next.querySelector("button") : input).focus();
      });
      item.appendChild(remove);
    }

    function addCommune(commune) {
      if (chosen(commune.pk)) { return false; }
      var item = document.createElement("li");
      item.className = "commune-chip";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = name;
      box.value = commune.pk;
      box.checked = true;
      var label = document.createElement("label");
      label.textContent = commune.label;
      item.appendChild(box);
      item.appendChild(label);
      chips.appendChild(item);
      enhance(item);
      return true;
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = listbox.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var place = places[index];
      if (!place) { return; }
      var added = 0;
      place.communes.forEach(function (commune) { if (addCommune(commune)) { added += 1; } });
      refreshEmpty();
      input.value = "";
      close();
      announce(format(root.getAttribute("data-added-label"), place.label));
      input.focus();
    }

    function show(found) {
      places = found;
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!places.length) {
        close();
        announce(root.getAttribute("data-none-label"));
        return;
      }
      places.forEach(function (place, i) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = place.label;
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        listbox.appendChild(option);
      });
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      announce(format(root.getAttribute("data-count-label"), places.length));
    }

    function settled(ticket) {
      if (ticket === asked) { listbox.setAttribute("aria-busy", "false"); }
      return ticket === asked;
    }

    // Each keystroke takes a new ticket, so the answer to an older text never shows.
    function suggest(ticket) {
      var text = input.value.trim();
      if (!text) { settled(ticket); close(); return; }
      fetch(url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (data) { if (settled(ticket)) { show(data.places || []); } })
        .catch(function () { settled(ticket); /* the plain form still works */ });
    }

    input.addEventListener("input", function () {
      var ticket = ++asked;
      listbox.setAttribute("aria-busy", "true");
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { suggest(ticket); }, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open && places.length) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) { highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else { input.value = ""; }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });

    chips.querySelectorAll("li").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-commune-picker]").forEach(setup);
  });
})();
