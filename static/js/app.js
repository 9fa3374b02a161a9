// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-toggle]");
  if (!toggle) return;
  var target = document.getElementById(toggle.getAttribute("data-toggle"));
  if (!target) return;
  var open = target.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});

// Logging out drops every home-visit survey draft (static/js/survey.js keeps them under
// survey-draft-<household>-<user>): personal data must not stay on a shared phone.
(function () {
  "use strict";
  var form = document.querySelector("form[data-logout]");
  if (!form) return;
  form.addEventListener("submit", function () {
    var store;
    try { store = window.localStorage; } catch (e) { return; }
    if (!store) return;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf("survey-draft-") === 0) store.removeItem(key);
    }
  });
})();

// Household pickers: a text box of dossier numbers (works as typed without JavaScript)
// becomes type-to-search against the scoped, masked search endpoint.
(function () {
  "use strict";
  var SPLIT = /[\s,，、;；]+/;
  function lastToken(input) {
    if (!input.hasAttribute("data-multiple")) return input.value.trim();
    var parts = input.value.split(SPLIT);
    return parts[parts.length - 1].trim();
  }
  function choose(input, list, row) {
    if (input.hasAttribute("data-multiple")) {
      var parts = input.value.split(SPLIT).filter(function (p) { return p; });
      parts.pop();
      if (parts.indexOf(row.dossier_no) < 0) parts.push(row.dossier_no);
      input.value = parts.join(", ") + ", ";
    } else {
      input.value = row.dossier_no;
    }
    var chosen = input.parentNode.querySelector(".picker-chosen");
    if (chosen) {
      if (!input.hasAttribute("data-multiple")) chosen.textContent = "";
      var li = document.createElement("li");
      li.textContent = row.label;
      chosen.appendChild(li);
    }
    var members = document.getElementById(input.getAttribute("data-members") || "");
    if (members && row.members) {
      members.length = 1; // keep the empty choice
      row.members.forEach(function (m) { members.add(new Option(m.name, m.id)); });
    }
    list.textContent = "";
    input.focus();
  }
  function attach(input) {
    var list = document.createElement("ul");
    list.className = "picker-results";
    list.setAttribute("role", "listbox");
    input.insertAdjacentElement("afterend", list);
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = lastToken(input);
        if (!q || q === asked) { if (!q) list.textContent = ""; return; }
        asked = q;
        var url = input.getAttribute("data-household-search") + "?q=" + encodeURIComponent(q) +
          (input.hasAttribute("data-members") ? "&members=1" : "");
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (body) {
            if (q !== lastToken(input)) return; // the user typed on
            list.textContent = "";
            body.results.forEach(function (row) {
              var li = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              button.className = "picker-option";
              button.textContent = row.label + (row.village ? " · " + row.village : "");
              button.addEventListener("click", function () { choose(input, list, row); });
              li.appendChild(button);
              list.appendChild(li);
            });
          })
          .catch(function () { list.textContent = ""; });
      }, 250);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-household-search]").forEach(attach);
  });
})();
