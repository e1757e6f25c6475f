// The SLA review's four charts (R004-12), drawn as inline SVG from the report JSON
// (GET /api/customers/{id}/report): compliance per tier against its threshold, breaches over the
// month, the time-to-respond distribution, availability over six months. Text stays text: it
// prints with the page and can be searched.
const GREEN = "#3c9a5f", RED = "#c0392b", ORANGE = "#e08a3c", GREY = "#9aa1a9", BLUE = "#3b6ea5";
const SVG_NS = "http://www.w3.org/2000/svg";

function svgChart(id, title, label, width, height) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("id", id);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  add(svg, "text", { x: width / 2, y: 16, "text-anchor": "middle", "font-size": 13, "font-weight": "bold" }, title);
  return svg;
}

function add(parent, tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  parent.appendChild(el);
  return el;
}

// A plot area with a y axis from 0 (or `low`) to `high`, ticks and a label; returns y(value).
function axes(svg, box, low, high, ticks, label) {
  const { left, top, right, bottom } = box;
  const y = (v) => bottom - ((v - low) / (high - low || 1)) * (bottom - top);
  add(svg, "line", { x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#333" });
  add(svg, "line", { x1: left, y1: top, x2: left, y2: bottom, stroke: "#333" });
  for (const t of ticks) {
    add(svg, "line", { x1: left - 4, y1: y(t), x2: left, y2: y(t), stroke: "#333" });
    add(svg, "text", { x: left - 6, y: y(t) + 4, "text-anchor": "end", "font-size": 10 }, String(t));
  }
  add(svg, "text", { x: 12, y: (top + bottom) / 2, "font-size": 10, transform: `rotate(-90 12 ${(top + bottom) / 2})`, "text-anchor": "middle" }, label);
  return y;
}

function niceTicks(high) {
  const step = Math.max(1, Math.ceil(high / 5));
  const out = [];
  for (let t = 0; t <= high; t += step) out.push(t);
  return out;
}

function legend(svg, x, y, items) {
  items.forEach(([name, colour], i) => {
    add(svg, "rect", { x: x + i * 110, y: y - 9, width: 10, height: 10, fill: colour });
    add(svg, "text", { x: x + i * 110 + 14, y, "font-size": 10 }, name);
  });
}

function complianceChart(report) {
  const rows = [];
  for (const [priority, metrics] of Object.entries(report.tiers)) {
    for (const [metric, row] of Object.entries(metrics)) rows.push({ priority, metric, row });
  }
  const width = Math.max(420, 70 * rows.length + 70), height = 240;
  const svg = svgChart("chart-compliance", `Compliance per tier, ${report.period} (line: threshold)`,
    "compliance per tier against its threshold", width, height);
  const box = { left: 50, top: 30, right: width - 10, bottom: height - 40 };
  const y = axes(svg, box, 0, 100, [0, 25, 50, 75, 100], "% within target");
  const slot = (box.right - box.left) / Math.max(1, rows.length);
  rows.forEach(({ priority, metric, row }, i) => {
    const x = box.left + i * slot + slot * 0.2, w = slot * 0.6;
    const share = row.compliance_percent;
    const colour = share === null ? GREY : row.threshold_met === false ? RED : GREEN;
    add(svg, "rect", { x, y: y(share || 0), width: w, height: box.bottom - y(share || 0), fill: colour },
    ).appendChild(document.createElementNS(SVG_NS, "title")).textContent =
      `${priority} ${metric}: ${share === null ? "no tickets" : share + "%"}`;
    if (row.threshold_percent !== null && row.threshold_percent !== undefined) {
      add(svg, "line", { x1: x - 4, x2: x + w + 4, y1: y(row.threshold_percent), y2: y(row.threshold_percent), stroke: "black", "stroke-width": 2 });
    }
    const counted = row.met + row.breached;
    add(svg, "text", { x: x + w / 2, y: box.bottom - 4, "text-anchor": "middle", "font-size": 9 }, counted ? `${row.met}/${counted}` : "none");
    add(svg, "text", { x: x + w / 2, y: box.bottom + 14, "text-anchor": "middle", "font-size": 9 }, priority);
    add(svg, "text", { x: x + w / 2, y: box.bottom + 26, "text-anchor": "middle", "font-size": 9 }, metric);
  });
  return svg;
}

function breachesChart(report) {
  const [year, month] = String(report.period).split("-").map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const counts = { response: new Array(days + 1).fill(0), resolution: new Array(days + 1).fill(0) };
  for (const b of report.breaches) {
    const day = Number(String(b.due).slice(8, 10));
    (counts[b.metric] || (counts[b.metric] = new Array(days + 1).fill(0)))[day] += 1;
  }
  const most = Math.max(1, ...Array.from({ length: days }, (_, d) => counts.response[d + 1] + counts.resolution[d + 1]));
  const width = 620, height = 220;
  const svg = svgChart("chart-breaches", `Breaches over ${report.period}: ${report.breaches.length}`, "breaches over time", width, height);
  const box = { left: 50, top: 30, right: width - 10, bottom: height - 40 };
  const y = axes(svg, box, 0, most, niceTicks(most), "breaches");
  const slot = (box.right - box.left) / days;
  for (let d = 1; d <= days; d++) {
    const x = box.left + (d - 1) * slot + slot * 0.1;
    let base = 0;
    for (const [metric, colour] of [["response", ORANGE], ["resolution", RED]]) {
      const n = counts[metric][d];
      if (n) add(svg, "rect", { x, y: y(base + n), width: slot * 0.8, height: y(base) - y(base + n), fill: colour });
      base += n;
    }
    if (d === 1 || d % 5 === 0) add(svg, "text", { x: x + slot * 0.4, y: box.bottom + 14, "text-anchor": "middle", "font-size": 9 }, String(d));
  }
  add(svg, "text", { x: (box.left + box.right) / 2, y: height - 6, "text-anchor": "middle", "font-size": 10 }, "day of the deadline");
  legend(svg, box.right - 220, 30, [["response", ORANGE], ["resolution", RED]]);
  return svg;
}

function responseTimesChart(report) {
  const width = 620, height = 220;
  const svg = svgChart("chart-response-times", "Time to respond", "the time-to-respond distribution", width, height);
  const series = Object.entries(report.business_seconds || {})
    .map(([priority, metrics]) => [priority, (metrics.response || []).map((s) => s / 3600)])
    .filter(([, values]) => values.length);
  const box = { left: 50, top: 30, right: width - 10, bottom: height - 40 };
  if (!series.length) {
    axes(svg, box, 0, 1, [0, 1], "tickets");
    add(svg, "text", { x: width / 2, y: height / 2, "text-anchor": "middle", "font-size": 12 }, "no responses this month");
    return svg;
  }
  const bins = 12;
  const top = Math.max(...series.flatMap(([, v]) => v), 0.01);
  const size = top / bins;
  const counts = series.map(([, values]) => {
    const c = new Array(bins).fill(0);
    for (const v of values) c[Math.min(bins - 1, Math.floor(v / size))] += 1;
    return c;
  });
  const most = Math.max(1, ...Array.from({ length: bins }, (_, i) => counts.reduce((s, c) => s + c[i], 0)));
  const y = axes(svg, box, 0, most, niceTicks(most), "tickets");
  const colours = [BLUE, ORANGE, GREEN, RED, GREY, "#8e44ad"];
  const slot = (box.right - box.left) / bins;
  for (let i = 0; i < bins; i++) {
    let base = 0;
    counts.forEach((c, s) => {
      if (c[i]) add(svg, "rect", { x: box.left + i * slot + 1, y: y(base + c[i]), width: slot - 2, height: y(base) - y(base + c[i]), fill: colours[s % colours.length] });
      base += c[i];
    });
    if (i % 3 === 0) add(svg, "text", { x: box.left + i * slot, y: box.bottom + 14, "text-anchor": "middle", "font-size": 9 }, (i * size).toFixed(1));
  }
  add(svg, "text", { x: (box.left + box.right) / 2, y: height - 6, "text-anchor": "middle", "font-size": 10 }, "business hours to the first response");
  legend(svg, box.left + 10, 30, series.map(([p], s) => [p, colours[s % colours.length]]));
  return svg;
}

function availabilityChart(reports) {
  const width = 620, height = 220;
  const svg = svgChart("chart-availability", "Availability per month (dashed: target)", "availability per month", width, height);
  const box = { left: 50, top: 30, right: width - 10, bottom: height - 40 };
  const spec = (reports.find((r) => r.availability) || {}).availability;
  if (!spec) {
    axes(svg, box, 0, 100, [0, 100], "% available");
    add(svg, "text", { x: width / 2, y: height / 2, "text-anchor": "middle", "font-size": 12 }, "the contract sets no availability target");
    return svg;
  }
  const parts = [["in_hours", BLUE], ["outside_hours", GREY]];
  const values = reports.flatMap((r) => parts.map(([p]) => ((r.availability || {})[p] || {}).percent)).filter((v) => v !== null && v !== undefined);
  const low = Math.max(0, Math.floor(Math.min(90, ...values) - 2));
  const y = axes(svg, box, low, 100.5, [low, Math.round((low + 100) / 2), 100], "% available");
  const slot = (box.right - box.left) / reports.length;
  reports.forEach((r, i) => {
    parts.forEach(([part, colour], k) => {
      const v = ((r.availability || {})[part] || {}).percent;
      if (v === null || v === undefined) return;
      add(svg, "rect", { x: box.left + i * slot + slot * (0.1 + 0.4 * k), y: y(v), width: slot * 0.38, height: box.bottom - y(v), fill: colour })
        .appendChild(document.createElementNS(SVG_NS, "title")).textContent = `${r.period} ${part.replace("_", " ")}: ${v}%`;
    });
    add(svg, "text", { x: box.left + (i + 0.5) * slot, y: box.bottom + 14, "text-anchor": "middle", "font-size": 9 }, r.period);
  });
  for (const [part, colour] of parts) {
    const target = (spec[part] || {}).target_percent;
    if (target !== null && target !== undefined) add(svg, "line", { x1: box.left, x2: box.right, y1: y(target), y2: y(target), stroke: colour, "stroke-dasharray": "5 4" });
  }
  legend(svg, box.left + 10, 30, [["in hours", BLUE], ["outside hours", GREY]]);
  return svg;
}

function reviewCharts(report, months) {
  return [complianceChart(report), breachesChart(report), responseTimesChart(report), availabilityChart(months)];
}
