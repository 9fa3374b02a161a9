// Poll a background job's progress (an import, an export) until it is done or failed,
// then reload the page, which shows the result.
(function () {
  "use strict";
  var box = document.querySelector("[data-job][data-status-url]");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  function show(job) {
    var bar = box.querySelector(".progress");
    bar.setAttribute("aria-valuenow", job.percent);
    bar.querySelector("span").style.width = job.percent + "%";
    box.querySelector("[data-job-status]").textContent =
      job.status_label + (job.step_label ? " · " + job.step_label : "") + " · " + job.done_rows + "/" +
      job.total_rows + " · " + job.percent + "%";
    var list = box.querySelector("[data-job-errors]");
    if (!list || !job.errors) return;
    list.textContent = "";
    job.errors.forEach(function (e) {
      var li = document.createElement("li");
      li.textContent = e[0] + ": " + e[1];
      list.appendChild(li);
    });
  }
  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (job) {
      show(job);
      if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 5000); });
  }
  if (!box.hasAttribute("data-finished")) setTimeout(poll, 500);
})();
