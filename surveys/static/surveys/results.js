// Survey result charts (Apache ECharts from node_modules, like the scorecard's). Data from the
// json_script block "survey-charts" keyed by each chart element's data-chart id; no inline
// script (strict CSP), tooltips as rich text on the canvas.
(function () {
  "use strict";

  const tooltip = { renderMode: "richText", confine: true };

  function build(element, spec) {
    const horizontal = spec.labels.length > 6 || spec.labels.some((l) => String(l).length > 6);
    const stacked = spec.type === "stack";
    const rows = spec.labels.length;
    element.style.height = (horizontal || stacked ? Math.max(200, rows * 34 + 90) : 260) + "px";
    const chart = echarts.init(element);
    const category = { type: "category", data: spec.labels, inverse: horizontal || stacked, axisLabel: { width: 110, overflow: "truncate" } };
    const value = { type: "value", minInterval: spec.series.length && spec.series[0].name === "平均名次" ? 0 : 1 };
    chart.setOption({
      tooltip: Object.assign({}, tooltip, { trigger: "axis", axisPointer: { type: "shadow" } }),
      legend: stacked ? { type: "scroll", top: 0 } : undefined,
      grid: { left: 8, right: 24, top: stacked ? 36 : 16, bottom: 8, containLabel: true },
      xAxis: horizontal || stacked ? value : category,
      yAxis: horizontal || stacked ? category : value,
      series: spec.series.map((s) => ({
        name: s.name,
        type: "bar",
        stack: stacked ? "all" : undefined,
        data: s.data,
        label: { show: !stacked, position: horizontal ? "right" : "top" },
      })),
    });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof echarts === "undefined") return;
    const node = document.getElementById("survey-charts");
    if (!node) return;
    const specs = JSON.parse(node.textContent);
    const charts = [];
    document.querySelectorAll("[data-chart]").forEach((element) => {
      const spec = specs[element.dataset.chart];
      if (!spec) return;
      charts.push(build(element, spec));
      element.dataset.ready = "true";
    });
    window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  });
})();
