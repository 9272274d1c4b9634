// Published ranking (晾晒排名): one bar per ranked unit, best first; 红榜 green, 黑榜 dark, others blue.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("chart-data"), el = document.getElementById("chart-score");
  if (!source || !el || !window.echarts) { return; }
  var units = JSON.parse(source.textContent).units;
  var colors = {red: "#198754", black: "#212529"};
  el.style.height = Math.max(240, units.length * 22 + 40) + "px";
  var chart = echarts.init(el);
  chart.setOption({
    animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
    grid: {left: 8, right: 44, top: 8, bottom: 8, containLabel: true},
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    xAxis: {type: "value", max: 100},
    yAxis: {type: "category", inverse: true, data: units.map(function (u) { return u.name; }),
      axisLabel: {interval: 0, width: 96, overflow: "truncate", fontSize: 12}},
    series: [{type: "bar", barMaxWidth: 16, label: {show: true, position: "right", fontSize: 11},
      data: units.map(function (u) {
        return {value: u.value, itemStyle: {color: colors[u.band] || "#0d6efd"}};
      })}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
