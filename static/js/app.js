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
