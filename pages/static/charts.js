// The SLA review's charts (R004-12), drawn as inline SVG from the report JSON
// (GET /api/customers/{id}/report): compliance per tier against its threshold, breaches over the
// month, the time-to-respond distribution, availability and the tickets in over six months. Text
// stays text: it prints with the page and can be searched.
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

// Whether a month has anything to show: tickets that came in or were judged, or an outage. The
// months before the first such month are drawn as nothing (no data), never as 100% available.
function hasData(report) {
  if (!report) return false;
  const volume = report.volume || {};
  if ((volume.tickets || 0) + (volume.desk_tickets || 0) > 0) return true;
  const judged = Object.values(report.tiers || {}).some((metrics) => Object.values(metrics).some((row) => row.tickets > 0));
  return judged || ((report.availability || {}).outages || []).length > 0;
}

// The floor of a percentage axis: the highest of 99, 98, 95, 90, 80, 50, 0 below every value and
// target with some room, so 95% and 99.5% stand apart instead of both near the top.
function percentFloor(values) {
  const lowest = Math.min(100, ...values);
  return [99, 98, 95, 90, 80, 50, 0].find((f) => f <= lowest - (100 - f) * 0.1) ?? 0;
}

function percentTicks(floor) {
  const step = [0.2, 0.5, 1, 2, 5, 10, 20, 25].find((s) => (100 - floor) / s <= 6) || 25;
  const out = [];
  for (let t = floor; t <= 100 + 1e-9; t += step) out.push(Math.round(t * 10) / 10);
  return out;
}

function availabilityChart(reports) {
  const width = 620, height = 240;
  const svg = svgChart("chart-availability", "Availability per month (dashed: target)", "availability per month", width, height);
  const box = { left: 56, top: 34, right: width - 44, bottom: height - 40 };
  const spec = (reports.find((r) => r.availability) || {}).availability;
  if (!spec) {
    axes(svg, box, 0, 100, [0, 100], "% available");
    add(svg, "text", { x: width / 2, y: height / 2, "text-anchor": "middle", "font-size": 12 }, "the contract sets no availability target");
    return svg;
  }
  const parts = [["in_hours", BLUE, "in hours"], ["outside_hours", GREY, "outside hours"]];
  const first = reports.findIndex(hasData);
  const shown = (r, i) => first !== -1 && i >= first;
  const values = reports.flatMap((r, i) => (shown(r, i) ? parts.map(([p]) => ((r.availability || {})[p] || {}).percent) : []))
    .concat(parts.map(([p]) => (spec[p] || {}).target_percent))
    .filter((v) => v !== null && v !== undefined);
  const floor = percentFloor(values);
  const y = axes(svg, box, floor, 100, percentTicks(floor), `% available (axis from ${floor}%)`);
  const slot = (box.right - box.left) / reports.length;
  reports.forEach((r, i) => {
    const cx = box.left + (i + 0.5) * slot;
    add(svg, "text", { x: cx, y: box.bottom + 14, "text-anchor": "middle", "font-size": 9 }, r.period);
    if (!shown(r, i)) {
      add(svg, "text", { x: cx, y: box.bottom - 6, "text-anchor": "middle", "font-size": 9, fill: GREY, class: "no-data" }, "no data");
      return;
    }
    parts.forEach(([part, colour, label], k) => {
      const v = ((r.availability || {})[part] || {}).percent;
      if (v === null || v === undefined) return;
      const x = box.left + i * slot + slot * (0.1 + 0.4 * k), w = slot * 0.38;
      const top = y(Math.max(v, floor));
      add(svg, "rect", { x, y: top, width: w, height: box.bottom - top, fill: colour, class: "availability-bar" })
        .appendChild(document.createElementNS(SVG_NS, "title")).textContent = `${r.period} ${label}: ${v}%`;
      add(svg, "text", { x: x + w / 2, y: top - 3, "text-anchor": "middle", "font-size": 8 }, v >= 99.995 ? "100" : String(Math.floor(v * 100) / 100));
    });
  });
  for (const [part, colour, label] of parts) {
    const target = (spec[part] || {}).target_percent;
    if (target === null || target === undefined) continue;
    add(svg, "line", { x1: box.left, x2: box.right, y1: y(target), y2: y(target), stroke: colour, "stroke-width": 1.5, "stroke-dasharray": "5 4" });
    add(svg, "text", { x: box.right + 4, y: y(target) + 3, "font-size": 10, fill: colour === GREY ? "#666" : colour }, `${target}%`);
  }
  legend(svg, box.left + 10, 30, parts.map(([, colour, label]) => [label, colour]));
  return svg;
}

// Tickets in per month, stacked by channel (R003-1), with the outages and standby calls named.
function volumeChart(reports) {
  const width = 620, height = 220;
  const svg = svgChart("chart-volume", "Tickets in per month, by channel", "tickets in per month by channel", width, height);
  const box = { left: 50, top: 34, right: width - 10, bottom: height - 52 };
  const channels = [];
  for (const r of reports) for (const c of Object.keys((r.volume || {}).by_channel || {})) if (!channels.includes(c)) channels.push(c);
  const colours = { portal: BLUE, email: GREEN, phone: ORANGE, monitoring: RED, web: "#8e44ad", unknown: GREY };
  const colourOf = (c, i) => colours[c] || [BLUE, GREEN, ORANGE, RED, GREY][i % 5];
  const most = Math.max(1, ...reports.map((r) => (r.volume || {}).tickets || 0));
  const y = axes(svg, box, 0, most, niceTicks(most), "tickets");
  const slot = (box.right - box.left) / reports.length;
  const first = reports.findIndex(hasData);
  reports.forEach((r, i) => {
    const v = r.volume || {};
    if (first === -1 || i < first || !r.volume) {
      const cx = box.left + (i + 0.5) * slot;
      add(svg, "text", { x: cx, y: box.bottom + 14, "text-anchor": "middle", "font-size": 9 }, r.period);
      add(svg, "text", { x: cx, y: box.bottom - 6, "text-anchor": "middle", "font-size": 9, fill: GREY, class: "no-data" }, "no data");
      return;
    }
    const x = box.left + i * slot + slot * 0.2, w = slot * 0.6;
    let base = 0;
    channels.forEach((c, k) => {
      const n = (v.by_channel || {})[c] || 0;
      if (!n) return;
      add(svg, "rect", { x, y: y(base + n), width: w, height: y(base) - y(base + n), fill: colourOf(c, k), class: "volume-bar" })
        .appendChild(document.createElementNS(SVG_NS, "title")).textContent = `${r.period} ${c}: ${n}`;
      base += n;
    });
    const cx = x + w / 2;
    add(svg, "text", { x: cx, y: y(base) - 3, "text-anchor": "middle", "font-size": 9 }, String(v.tickets || 0));
    add(svg, "text", { x: cx, y: box.bottom + 14, "text-anchor": "middle", "font-size": 9 }, r.period);
    add(svg, "text", { x: cx, y: box.bottom + 26, "text-anchor": "middle", "font-size": 8, fill: "#555" }, `${v.outages || 0} outages`);
    add(svg, "text", { x: cx, y: box.bottom + 37, "text-anchor": "middle", "font-size": 8, fill: "#555" }, `${v.standby_calls || 0} standby calls`);
  });
  legend(svg, box.left + 10, 30, channels.filter((c) => reports.some((r) => ((r.volume || {}).by_channel || {})[c])).map((c) => [c, colourOf(c, channels.indexOf(c))]));
  return svg;
}

function reviewCharts(report, months) {
  return [complianceChart(report), breachesChart(report), responseTimesChart(report), availabilityChart(months), volumeChart(months)];
}
