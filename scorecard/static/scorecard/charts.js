// Scorecard charts (Apache ECharts, served from node_modules; nothing from a CDN).
// The data comes from json_script blocks named by each chart's data-source; the strict CSP
// allows no inline script. Tooltips render as rich text on the canvas (HTML tooltips would
// need inline styles, which the CSP refuses).
(function () {
  "use strict";

  function readJson(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  const tooltip = { renderMode: "richText", confine: true };

  function heatmap(element, groups) {
    const group = groups[Number(element.dataset.index || 0)];
    if (!group) return null;
    // Setting a style property from a script is CSSOM, which the CSP allows.
    element.style.height = Math.max(260, group.units.length * 26 + 140) + "px";
    const chart = echarts.init(element);
    chart.setOption({
      tooltip: Object.assign({}, tooltip, {
        formatter: function (p) {
          const score = p.value[2] === null ? "数据不足" : p.value[2] + " 分";
          return group.units[p.value[1]] + "\n" + group.indicators[p.value[0]] + "：" + score;
        },
      }),
      grid: { left: 110, right: 20, top: 10, bottom: 110 },
      xAxis: {
        type: "category",
        data: group.indicators,
        axisLabel: { rotate: 40, interval: 0 },
        splitArea: { show: true },
      },
      yAxis: { type: "category", data: group.units, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0,
        max: 100,
        calculable: true,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        text: ["100 分", "0 分"],
        inRange: { color: ["#d73027", "#fee08b", "#1a9850"] },
        outOfRange: { color: "#dddddd" },
      },
      series: [
        {
          name: "标准化得分",
          type: "heatmap",
          data: group.cells.map(function (c) {
            return [c[0], c[1], c[2] === null ? "-" : c[2]];
          }),
          label: { show: group.units.length <= 25, fontSize: 10 },
        },
      ],
    });
    return chart;
  }

  function lineChart(element, months, series, legend) {
    const chart = echarts.init(element);
    const selected = {};
    series.forEach(function (s) {
      selected[s.name] = s.selected !== false;
    });
    chart.setOption({
      tooltip: Object.assign({}, tooltip, { trigger: "axis" }),
      legend: legend ? { type: "scroll", top: 0, selected: selected } : undefined,
      grid: { left: 50, right: 30, top: legend ? 50 : 20, bottom: 40 },
      xAxis: { type: "category", data: months, boundaryGap: false },
      yAxis: { type: "value", name: "总分", min: 0, max: 100 },
      series: series.map(function (s) {
        return {
          name: s.name,
          type: "line",
          data: s.data,
          connectNulls: false,
          yAxisIndex: s.yAxisIndex || 0,
        };
      }),
    });
    return chart;
  }

  function unitTrend(element, data) {
    const chart = lineChart(element, data.months, [{ name: "总分", data: data.totals }], false);
    chart.setOption({
      yAxis: [
        { type: "value", name: "总分", min: 0, max: 100 },
        { type: "value", name: "排名", inverse: true, minInterval: 1, min: 1 },
      ],
      series: [
        { name: "总分", type: "line", data: data.totals },
        { name: "排名", type: "line", data: data.ranks, yAxisIndex: 1, lineStyle: { type: "dashed" } },
      ],
      legend: { top: 0 },
      grid: { right: 50, top: 40 },
    });
    return chart;
  }

  const builders = {
    heatmap: heatmap,
    trends: function (element, data) {
      return lineChart(element, data.months, data.series, true);
    },
    "unit-trend": unitTrend,
  };

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") return;
    const charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      const build = builders[element.dataset.chart];
      const data = readJson(element.dataset.source);
      if (!build || !data) return;
      const chart = build(element, data);
      if (chart) {
        element.dataset.ready = "true";
        charts.push(chart);
      }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    });
  });
})();
