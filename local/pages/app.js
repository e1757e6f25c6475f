// Shared helpers for the local pages: API calls, local-time formatting, business time left.
const AGENT_TOKEN = window.AGENT_TOKEN || null;

async function api(method, path, body, headers = {}) {
  const options = { method, headers: { ...headers } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch("/api" + path, options);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!response.ok) {
    const detail = data && (data.message || JSON.stringify(data.detail || data));
    const error = new Error(`${response.status}: ${detail}`);
    error.status = response.status;
    error.errors = (data && data.errors) || [];  // a 422 names the fields at fault
    throw error;
  }
  return data;
}

function agentHeaders() {
  return { Authorization: `Bearer ${AGENT_TOKEN}`, "X-Agent": localStorage.getItem("agent") || "agent@local" };
}

function when(iso) {
  // An instant as the server gave it: the contract's local date, time and UTC offset.
  if (!iso) return "—";
  const offset = (iso.match(/([+-]\d{2}:\d{2}|Z)$/) || [""])[0];
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} ${offset}`;
}

function left(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const late = seconds < 0;
  let s = Math.abs(seconds);
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60);
  const text = h ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m`;
  return late ? `${text} late` : `${text} left`;
}

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

async function tickClock() {
  try {
    // an agent's page gets every customer; the public form only the one its link names
    const named = new URLSearchParams(location.search).get("customer");
    const url = "/local/config.json" + (named ? `?customer=${encodeURIComponent(named)}` : "");
    const headers = window.AGENT_TOKEN ? { Authorization: `Bearer ${window.AGENT_TOKEN}` } : {};
    const config = await (await fetch(url, { headers })).json();
    const el = document.getElementById("clock");
    if (el) el.textContent = `clock ${when(config.now)} · x${config.speed}`;
    showHealth(config.health || {});
    return config;
  } catch { return null; }
}

function showHealth(health) {
  // The local stack's background work: a loop that keeps failing is shown on every page.
  let el = document.getElementById("health");
  if (!el) {
    el = document.createElement("p");
    el.id = "health";
    el.className = "health";
    document.body.prepend(el);
  }
  const failing = Object.entries(health).filter(([, h]) => h.ok === false);
  el.hidden = failing.length === 0;
  el.textContent = failing.map(([name, h]) => `${name} failing (${h.errors}×): ${h.last_error}`).join(" · ");
}
