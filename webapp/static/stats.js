/* The /stats charts: each panel's figures come embedded in the page (the same records /api/stats
   gives); this draws them with the vendored ECharts and keeps the table under the chart in step.
   Without JavaScript the page still works: the form reloads it with the choices as parameters. */
(function () {
  "use strict";
  var PER_PERIOD = ["本周", "本月"];
  var CUMULATIVE = ["今年以来"];

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function formatValue(value, unit) {
    if (unit === "%") return (Math.round(value * 10000) / 100) + "%";
    return Number(value).toLocaleString("zh-CN") + unit;
  }
  function paragraphUrl(f) {
    return "/issues/" + encodeURIComponent(f.issue_id) + "#" + encodeURIComponent(f.paragraph_id);
  }

  function setUpPanel(panel) {
    var key = panel.id.replace(/^panel-/, "");
    var dataNode = document.getElementById("data-" + key);
    var chartNode = document.getElementById("chart-" + key);
    if (!dataNode || !chartNode || typeof echarts === "undefined") return;
    var data = JSON.parse(dataNode.textContent);
    var state = {scope: data.scope, yoy: data.yoy};
    var chart = echarts.init(chartNode, null, {renderer: "canvas"});
    var form = panel.querySelector("form");
    var tbody = panel.querySelector(".stats-table tbody");

    function rows() {
      var wanted = state.scope === "period" ? PER_PERIOD : CUMULATIVE;
      return data.figures.filter(function (f) { return wanted.indexOf(f.scope) >= 0; });
    }
    function point(f, x) {
      return {value: [x, f.value], figure: f, symbol: f.derived ? "emptyCircle" : "circle"};
    }
    function draw() {
      var shown = rows();
      var series;
      if (state.yoy) {  // one line a year over a common calendar (the year 2000 stands for any)
        var byYear = {};
        shown.forEach(function (f) {
          var year = f.to.slice(0, 4);
          (byYear[year] = byYear[year] || []).push(point(f, "2000" + f.to.slice(4)));
        });
        series = Object.keys(byYear).sort().map(function (year) {
          return {name: year + "年", type: "line", data: byYear[year], symbolSize: 7, showSymbol: true};
        });
      } else {
        series = [{name: data.label, type: "line", data: shown.map(function (f) { return point(f, f.to); }),
                   symbolSize: 7, showSymbol: true}];
      }
      chart.setOption({
        animation: false,
        grid: {left: 70, right: 24, top: state.yoy ? 48 : 24, bottom: 40},
        legend: state.yoy ? {type: "scroll", top: 0} : {show: false},
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var f = p.data && p.data.figure;
            if (!f) return "";
            return "<strong>" + esc(formatValue(f.value, f.unit)) + "</strong>" +
              (f.derived ? "（推算）" : "") + "<br>" + esc(f.issue_id) + "　" + esc(f.from) + " 至 " +
              esc(f.to) + "<br><span class=\"tip-hint\">点击打开原文段落</span>";
          }
        },
        xAxis: {type: "time", axisLabel: state.yoy ? {formatter: "{MM}-{dd}"} : {}},
        yAxis: {type: "value", scale: false, axisLabel: {formatter: function (v) {
          return data.unit === "%" ? Math.round(v * 1000) / 10 + "%" : Number(v).toLocaleString("zh-CN");
        }}},
        series: series
      }, true);
      chartNode.setAttribute("data-points", String(shown.length));
      renderTable(shown);
    }
    function renderTable(shown) {
      if (!tbody) return;
      tbody.textContent = "";
      shown.slice().reverse().forEach(function (f) {
        var tr = document.createElement("tr");
        var issue = document.createElement("td");
        var a = document.createElement("a");
        a.href = paragraphUrl(f);
        a.textContent = f.issue_id;
        issue.appendChild(a);
        var span = document.createElement("td");
        span.textContent = f.from + " 至 " + f.to;
        var value = document.createElement("td");
        value.className = "num";
        value.textContent = formatValue(f.value, f.unit);
        var text = document.createElement("td");
        if (f.derived) {
          var mark = document.createElement("span");
          mark.className = "derived";
          mark.textContent = "推算";
          text.appendChild(mark);
          text.appendChild(document.createTextNode(" 由相邻两期累计数相减"));
        } else {
          text.textContent = f.text;
        }
        [issue, span, value, text].forEach(function (td) { tr.appendChild(td); });
        tbody.appendChild(tr);
      });
      if (!shown.length) {
        var empty = document.createElement("tr");
        var cell = document.createElement("td");
        cell.colSpan = 4;
        cell.textContent = "这一口径下没有数字。";
        empty.appendChild(cell);
        tbody.appendChild(empty);
      }
    }

    chart.on("click", function (p) {
      if (p.data && p.data.figure) window.location.href = paragraphUrl(p.data.figure);
    });
    if (form) {
      // scope and overlay redraw in place; a new series reloads (its figures are not on the page)
      form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
        input.addEventListener("change", function () {
          var checked = form.querySelector("input[type=radio]:checked");
          state.scope = checked ? checked.value : state.scope;
          state.yoy = form.querySelector("input[type=checkbox]").checked;
          draw();
        });
      });
      var picker = form.querySelector(".series-picker");
      if (picker) picker.addEventListener("change", function () { form.submit(); });
      var apply = form.querySelector(".stats-apply");
      if (apply) apply.hidden = true;
    }
    window.addEventListener("resize", function () { chart.resize(); });
    draw();
  }

  document.querySelectorAll(".stats-panel").forEach(setUpPanel);
  var typePicker = document.querySelector(".type-picker");
  if (typePicker) {
    typePicker.addEventListener("change", function () { typePicker.form.submit(); });
    typePicker.form.querySelector(".stats-apply").hidden = true;
  }
})();
