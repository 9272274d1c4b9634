// Demand ranking (三率排名): one bar per child unit; the chart grows with the number of units so that
// every name and score keeps its own line (48 districts and more).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("chart-data"), el = document.getElementById("chart-score");
  if (!source || !el || !window.echarts) { return; }
  var units = JSON.parse(source.textContent).units;
  var rowHeight = 22;
  el.style.height = Math.max(240, units.length * rowHeight + 40) + "px";
  var chart = echarts.init(el);
  chart.setOption({
    animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
    grid: {left: 8, right: 44, top: 8, bottom: 8, containLabel: true},
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    xAxis: {type: "value", max: 100},
    yAxis: {type: "category", inverse: true, data: units.map(function (u) { return u.name; }),
      axisLabel: {interval: 0, width: 96, overflow: "truncate", fontSize: 12}},
    series: [{type: "bar", barMaxWidth: 16, barCategoryGap: "30%", itemStyle: {color: "#0d6efd"},
      label: {show: true, position: "right", fontSize: 11},
      data: units.map(function (u) { return u.value; })}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
