// 统计: draws each [data-chart] box from the JSON beside it (the same numbers as its table),
// with the vendored ECharts; a bar is a region, clicking it drills into that region. Redrawn
// after the 大屏's board refreshes (htmx). No inline script: the CSP forbids it.
(function () {
  "use strict";
  var dark = document.body.classList.contains("report-screen");
  var text = dark ? "#ffffff" : "#333333";
  var big = dark ? 18 : 12;

  function option(data) {
    var base = { textStyle: { fontSize: big, color: text }, tooltip: { trigger: data.kind === "bar" ? "axis" : "item" },
      legend: { top: 0, textStyle: { color: text, fontSize: big } }, animation: false };
    if (data.kind === "bar") {
      base.grid = { left: 8, right: 8, top: 48, bottom: 8, containLabel: true };
      base.xAxis = { type: "category", data: data.areas, axisLabel: { color: text, fontSize: big, interval: 0, rotate: data.areas.length > 6 ? 30 : 0 } };
      base.yAxis = { type: "value", minInterval: 1, axisLabel: { color: text, fontSize: big } };
      base.series = data.categories.map(function (name, i) {
        return { name: name, type: "bar", stack: data.stack === false ? undefined : "all", data: data.series[i] };
      });
      if (data.target) {  // the 任务数 beside the stacked counts it is measured against
        base.series.push({ name: "任务数", type: "bar", data: data.target });
      }
      return base;
    }
    var items = data.categories.map(function (name, i) { return { name: name, value: data.values[i] }; });
    if (data.kind === "funnel") {
      base.series = [{ type: "funnel", sort: "none", top: 48, bottom: 8, label: { color: text, fontSize: big }, data: items }];
    } else {
      base.series = [{ type: "pie", radius: ["35%", "65%"], top: 32, label: { color: text, fontSize: big }, data: items }];
    }
    return base;
  }

  function draw(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (box) {
      var source = document.getElementById(box.dataset.chart);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var old = window.echarts.getInstanceByDom(box);
      if (old) { old.dispose(); }
      var chart = window.echarts.init(box, null, { renderer: "canvas" });
      chart.setOption(option(data));
      if (data.kind === "bar" && data.links && data.links.length) {
        chart.on("click", function (params) {
          var link = data.links[params.dataIndex];
          if (link) { window.location.href = link; }
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
