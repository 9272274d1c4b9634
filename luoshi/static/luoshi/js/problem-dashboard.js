// Problem dashboard (整改看板): a state donut and two bar charts; a click opens the filtered problem list.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("chart-data");
  var stateEl = document.getElementById("chart-state");
  if (!source || !stateEl || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var listUrl = stateEl.dataset.listUrl;
  var scope = stateEl.dataset.scope || "";
  function go(param, value) {
    window.location.href = listUrl + "?" + (scope ? scope + "&" : "") + param + "=" + encodeURIComponent(value);
  }
  var colors = {pending_claim: "#6c757d", rectifying: "#0d6efd", pending_review: "#f0ad00", closed: "#198754"};
  var charts = [];
  var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function chart(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption(option);
    if (onClick) { c.on("click", onClick); }
    charts.push(c);
  }
  var counts = {};
  data.states.forEach(function (s) { counts[s.name] = s.value; });
  chart("chart-state", {
    baseOption: {
      animation: !still,
      tooltip: {trigger: "item", formatter: stateEl.dataset.tooltip},
      legend: {show: false, bottom: 0, icon: "circle", itemWidth: 10, itemHeight: 10,
        formatter: function (name) { return name + " " + counts[name]; }},
      series: [{type: "pie", radius: ["45%", "72%"], avoidLabelOverlap: true,
        label: {formatter: "{b}\n{c}"},
        data: data.states.map(function (s) {
          return {name: s.name, value: s.value, key: s.key, itemStyle: {color: colors[s.key]}};
        })}]
    },
    // Narrow (phone) containers: the names go into a legend under the donut instead of around it.
    media: [{query: {maxWidth: 360}, option: {
      legend: {show: true},
      series: [{radius: ["34%", "56%"], center: ["50%", "42%"], label: {show: false}}]
    }}]
  }, function (p) { go("state", p.data.key); });
  function bars(items) {
    return {
      animation: !still,
      grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", inverse: true, data: items.map(function (i) { return i.name; }),
        axisLabel: {width: 96, overflow: "truncate"}},
      series: [{type: "bar", barMaxWidth: 18, itemStyle: {color: "#b3261e"}, label: {show: true, position: "right"},
        data: items.map(function (i) { return {value: i.value, id: i.id}; })}]
    };
  }
  chart("chart-aspect", bars(data.aspects), function (p) { go("aspect", p.data.id); });
  chart("chart-channel", bars(data.channels), function (p) { go("channel", p.data.id); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
