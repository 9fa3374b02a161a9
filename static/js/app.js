// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-toggle]");
  if (!toggle) return;
  var target = document.getElementById(toggle.getAttribute("data-toggle"));
  if (!target) return;
  var open = target.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
