// The data screen: figures pushed by the web service (server-sent events, reconnecting by
// itself after any restart), drawn with ECharts (installed by the set-up, never fetched).
"use strict";
(function () {
  const body = document.body;
  const charts = {};
  const C = { text: "#e8f1ff", axis: "#8fb3de", grid: "#1f3f6b", a: "#4fc3f7", b: "#81c784", c: "#ffb74d", d: "#ff8a80" };

  function chart(id) {
    if (!window.echarts) return null;
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    return charts[id];
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function bi(zh, en) {
    const s = el("span", null, zh);
    s.appendChild(el("span", "en", en));
    return s;
  }
  const axis = { axisLine: { lineStyle: { color: C.axis } }, axisLabel: { color: C.text, fontSize: 18 },
                 splitLine: { lineStyle: { color: C.grid } } };
  const legend = { textStyle: { color: C.text, fontSize: 18 }, top: 0, right: 10 };

  function kpis(list) {
    const box = document.getElementById("kpis");
    box.textContent = "";
    list.forEach(function (k) {
      const d = el("div", "kpi" + (k.warn ? " warn" : ""));
      d.appendChild(el("div", "v", k.v));
      const key = el("div", "k");
      key.appendChild(bi(k.zh, k.en));
      d.appendChild(key);
      box.appendChild(d);
    });
  }

  function hall(d) {
    document.getElementById("title").textContent = d.name + " 数据展示屏";
    document.getElementById("subtitle").textContent = (d.name_en || "") + " · Data screen";
    const t = d.totals || {}, r = d.ratings || {};
    const rate = r.rate === null || r.rate === undefined ? "—" : Math.round(r.rate * 100) + "%";
    kpis([{ v: t.issued ?? "—", zh: "今日取号", en: "Issued" }, { v: t.served ?? "—", zh: "已办结", en: "Served" },
          { v: t.waiting ?? 0, zh: "正在等候", en: "Waiting", warn: (t.waiting || 0) > 30 },
          { v: t.remote ?? "—", zh: "在线取号", en: "By phone" }, { v: t.appointments ?? "—", zh: "预约签到", en: "Appointments" },
          { v: rate, zh: "好评率", en: "Satisfied" }]);
    const sv = d.services || [];
    const names = sv.map(function (s) { return s.code + " " + s.name; });
    const c1 = chart("c-services");
    if (c1) c1.setOption({ textStyle: { fontSize: 18 }, legend: legend, grid: { left: 150, right: 20, top: 40, bottom: 30 },
      xAxis: Object.assign({ type: "value" }, axis), yAxis: Object.assign({ type: "category", data: names, inverse: true }, axis),
      series: [{ name: "取号 Issued", type: "bar", data: sv.map(function (s) { return s.issued || 0; }), itemStyle: { color: C.a } },
               { name: "办结 Served", type: "bar", data: sv.map(function (s) { return s.served || 0; }), itemStyle: { color: C.b } },
               { name: "等候 Waiting", type: "bar", data: sv.map(function (s) { return s.waiting || 0; }), itemStyle: { color: C.c } }] });
    const c2 = chart("c-hours");
    const byHour = d.issued_by_hour || [];
    const used = byHour.map(function (n, h) { return n ? h : null; }).filter(function (h) { return h !== null; });
    const first = Math.min(7, used.length ? used[0] : 7), last = Math.max(19, used.length ? used[used.length - 1] : 19);
    const hours = [];
    for (let h = first; h <= last; h++) hours.push(h + ":00");
    if (c2) c2.setOption({ grid: { left: 50, right: 20, top: 30, bottom: 40 },
      xAxis: Object.assign({ type: "category", data: hours }, axis), yAxis: Object.assign({ type: "value", minInterval: 1 }, axis),
      series: [{ type: "bar", data: byHour.slice(first, last + 1), itemStyle: { color: C.a },
                 label: { show: true, position: "top", color: C.text, fontSize: 16 } }] });
    const c3 = chart("c-wait");
    if (c3) c3.setOption({ legend: legend, grid: { left: 150, right: 30, top: 40, bottom: 30 },
      xAxis: Object.assign({ type: "value", name: "分钟 min", nameTextStyle: { color: C.axis } }, axis),
      yAxis: Object.assign({ type: "category", data: names, inverse: true }, axis),
      series: [{ name: "最长 Longest", type: "bar", data: sv.map(function (s) {
                   const over = s.target_min && s.longest_wait_min > s.target_min;
                   return { value: Math.round(s.longest_wait_min || 0), itemStyle: { color: over ? C.d : C.c } }; }) },
               { name: "平均 Average", type: "bar", data: sv.map(function (s) { return Math.round(s.avg_wait_min || 0); }),
                 itemStyle: { color: C.a } },
               { name: "目标 Target", type: "scatter", symbol: "rect", symbolSize: [6, 34], itemStyle: { color: "#fff" },
                 data: sv.map(function (s) { return s.target_min || null; }) }] });
    const wins = document.getElementById("windows");
    wins.textContent = "";
    (d.windows || []).forEach(function (w) {
      const tile = el("div", "win " + w.state);
      tile.appendChild(el("div", "n", w.window + " 号窗口"));
      tile.appendChild(el("div", "t", w.ticket || "—"));
      const st = { idle: "空闲 idle", calling: "呼叫中 calling", serving: "办理中 serving", paused: "暂停 paused", closed: "未开 closed" };
      tile.appendChild(el("div", "s", (st[w.state] || w.state) + (w.served !== null && w.served !== undefined ? " · 办结 " + w.served : "")));
      wins.appendChild(tile);
    });
    const c4 = chart("c-rating");
    const by = r.by_score || {};
    if (c4) c4.setOption({ title: { text: rate, subtext: (r.count || 0) + " 条评价 ratings", left: "center", top: "38%",
        textStyle: { color: C.text, fontSize: 44 }, subtextStyle: { color: C.axis, fontSize: 18 } },
      series: [{ type: "pie", radius: ["55%", "78%"], label: { color: C.text, fontSize: 16 },
        data: [["非常满意", "5", C.b], ["满意", "4", "#aed581"], ["基本满意", "3", C.a], ["不满意", "2", C.c], ["非常不满意", "1", C.d]]
          .map(function (x) { return { name: x[0], value: by[x[1]] || 0, itemStyle: { color: x[2] } }; })
          .filter(function (x) { return x.value > 0; }) }] });
    const dev = document.getElementById("devices");
    dev.textContent = "";
    (d.alerts || []).forEach(function (a) {
      const row = el("div", "row alert");
      row.appendChild(bi(a.title_zh, a.title_en));
      row.appendChild(el("span", null, a.suggestion_zh || ""));
      dev.appendChild(row);
    });
    if (!(d.alerts || []).length) dev.appendChild(el("div", "row none", "当前无告警 No alerts"));
    (d.devices || []).forEach(function (x) {
      const row = el("div", "row");
      row.appendChild(el("span", null, x.device));
      const cls = x.action === "technician" ? "bad" : (x.action === "staff" ? "warn" : "ok");
      row.appendChild(el("span", cls, x.state + (x.details.length ? " (" + x.details.join(", ") + ")" : "")));
      dev.appendChild(row);
    });
  }

  function city(d) {
    document.getElementById("title").textContent = d.name + " 数据展示屏";
    document.getElementById("subtitle").textContent = (d.name_en || "") + " · City overview";
    const hs = d.halls || [];
    const sum = function (k) { return hs.reduce(function (a, h) { return a + (h[k] || 0); }, 0); };
    kpis([{ v: hs.length, zh: "服务大厅", en: "Halls" }, { v: sum("issued"), zh: "今日取号", en: "Issued" },
          { v: sum("served"), zh: "已办结", en: "Served" }, { v: sum("waiting"), zh: "正在等候", en: "Waiting" },
          { v: sum("remote"), zh: "在线取号", en: "By phone" },
          { v: hs.filter(function (h) { return h.known; }).length, zh: "在线大厅", en: "Reporting" }]);
    const top = hs.slice().sort(function (a, b) { return b.waiting - a.waiting; }).slice(0, 12);
    const c1 = chart("c-services");
    if (c1) c1.setOption({ grid: { left: 230, right: 30, top: 20, bottom: 30 }, xAxis: Object.assign({ type: "value" }, axis),
      yAxis: Object.assign({ type: "category", inverse: true, data: top.map(function (h) { return h.name; }) }, axis),
      series: [{ type: "bar", data: top.map(function (h) { return h.waiting; }), itemStyle: { color: C.c },
                 label: { show: true, position: "right", color: C.text, fontSize: 16 } }] });
    document.querySelector("#p-services h2").replaceChildren(bi("等候最多的大厅", "Most waiting"));
    const wins = document.getElementById("windows");
    wins.textContent = "";
    wins.className = "citylist";
    const table = el("table", "halltable");
    hs.slice().sort(function (a, b) { return (a.shortest_min ?? 1e9) - (b.shortest_min ?? 1e9); }).slice(0, 10)
      .forEach(function (h) {
        const tr = el("tr");
        tr.appendChild(el("td", null, h.name));
        tr.appendChild(el("td", "num", h.waiting + " 人"));
        tr.appendChild(el("td", "num", h.shortest_min === null ? "—" : "约 " + Math.round(h.shortest_min) + " 分钟"));
        table.appendChild(tr);
      });
    wins.appendChild(table);
    document.querySelector("#p-windows h2").replaceChildren(bi("等候最短的大厅", "Shortest waits"));
    ["p-hours", "p-wait", "p-rating", "p-devices"].forEach(function (id) { document.getElementById(id).hidden = true; });
    document.getElementById("grid").classList.add("citygrid");
  }

  function tick() {
    const now = new Date();
    const p = function (n) { return String(n).padStart(2, "0"); };
    document.getElementById("clock").textContent = now.getFullYear() + "-" + p(now.getMonth() + 1) + "-" + p(now.getDate()) +
      " " + p(now.getHours()) + ":" + p(now.getMinutes()) + ":" + p(now.getSeconds());
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    const conn = document.getElementById("conn");
    let source = null;
    function connect() {
      source = new EventSource(body.dataset.feed);
      source.onopen = function () { conn.hidden = true; };
      source.onerror = function () {
        conn.hidden = false;
        if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
      };
      source.addEventListener("screen", function (ev) {
        const d = JSON.parse(ev.data);
        body.dataset.at = d.at || "";
        if (d.city) city(d); else hall(d);
        body.dataset.ready = "1";
      });
    }
    connect();
    window.addEventListener("resize", function () { Object.values(charts).forEach(function (c) { c.resize(); }); });
  });
})();
