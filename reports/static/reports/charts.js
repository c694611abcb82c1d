// Report charts (Apache ECharts from node_modules). Each chart's option comes, already
// built on the server from the same definition as the Word document's image, from a
// json_script block named by the element's data-source (the CSP allows no inline script).
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll(".report-chart[data-source]").forEach(function (element) {
      const node = document.getElementById(element.dataset.source);
      if (!node || typeof echarts === "undefined") return;
      const chart = echarts.init(element);
      chart.setOption(JSON.parse(node.textContent));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
