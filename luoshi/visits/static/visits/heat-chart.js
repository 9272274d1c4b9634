// 走访热力: one bar per child unit by visits received in its subtree, redder the busier; a click drills down.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("heat-data"), el = document.getElementById("heat-chart");
  if (!source || !el || !window.echarts) { return; }
  var units = JSON.parse(source.textContent).units;
  if (!units.length) { el.hidden = true; return; }
  var shades = ["#adb5bd", "#f8d7da", "#f1aeb5", "#ea868f", "#e35d6a", "#dc3545"];
  el.style.height = Math.max(160, units.length * 22 + 40) + "px";
  var chart = echarts.init(el);
  chart.setOption({
    animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
    grid: {left: 8, right: 44, top: 8, bottom: 8, containLabel: true},
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", inverse: true, data: units.map(function (u) { return u.name; }),
      axisLabel: {interval: 0, width: 96, overflow: "truncate", fontSize: 12}},
    series: [{type: "bar", barMaxWidth: 16, label: {show: true, position: "right", fontSize: 11},
      data: units.map(function (u) { return {value: u.value, itemStyle: {color: shades[u.step] || shades[0]}}; })}]
  });
  chart.on("click", function (params) {
    var unit = units[params.dataIndex];
    if (unit && unit.url) { window.location.href = unit.url; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
