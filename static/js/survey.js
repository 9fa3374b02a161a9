// Keep a draft of the home-visit survey in localStorage, so a page lost on a phone
// (a call, a dead battery, a reload) does not lose the work. Files are not kept.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) return;

  // After a successful save the dossier page carries data-survey-clear: drop the draft.
  var clear = document.querySelector("[data-survey-clear]");
  if (clear) { store.removeItem(clear.getAttribute("data-survey-clear")); }

  var form = document.querySelector("form[data-survey-draft]");
  if (!form) return;
  var key = form.getAttribute("data-survey-draft");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit";
    });
  }

  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else {
        data[el.name] = el.value;
      }
    });
    store.setItem(key, JSON.stringify({ saved: Date.now(), data: data }));
  }

  function restore(data) {
    fields().forEach(function (el) {
      if (!(el.name in data)) {
        if (el.type === "checkbox" || el.type === "radio") el.checked = false;
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = data[el.name].indexOf(el.value) !== -1;
      } else {
        el.value = data[el.name];
      }
    });
  }

  if (form.hasAttribute("data-restore")) {
    var raw = store.getItem(key);
    if (raw) {
      try {
        restore(JSON.parse(raw).data);
        var note = document.querySelector("[data-draft-note]");
        if (note) note.hidden = false;
      } catch (e) { store.removeItem(key); }
    }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  var discard = document.querySelector("[data-draft-discard]");
  if (discard) {
    discard.addEventListener("click", function () { store.removeItem(key); window.location.reload(); });
  }
})();
