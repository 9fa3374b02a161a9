/* Dashboards: draw each panel's chart from the JSON the server put beside it.
   Chart.js is vendored (static/vendor/chartjs); the table under each chart holds the
   same figures for screen readers and print. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var palette = ["#1f6fb2", "#e07b39", "#3a9d5d", "#c0392b", "#8e44ad", "#16a085", "#d4ac0d", "#7f8c8d", "#2c3e50"];
  window.Chart.defaults.font.family = "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";
  window.Chart.defaults.animation = false;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var pie = spec.type === "pie";
    var datasets = (spec.datasets || []).map(function (set, index) {
      return {
        label: set.label,
        data: set.data,
        backgroundColor: pie ? set.data.map(function (_, i) { return palette[i % palette.length]; }) : palette[index % palette.length]
      };
    });
    var options = { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } };
    if (!pie) {
      options.scales = { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } };
    }
    canvas.chart = new window.Chart(canvas, { type: spec.type || "bar", data: { labels: spec.labels, datasets: datasets }, options: options });
    canvas.setAttribute("data-drawn", "1");
  });
})();
