// Shared by the desk's pages, the same files locally and on AWS: the site's config (written by
// the deployment: /config.json), API calls, the agents' sign-in, local-time formatting.
let SITE = null;

async function siteConfig() {
  if (!SITE) {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`the desk's config is missing (${response.status})`);
    SITE = await response.json();
  }
  return SITE;
}

async function api(method, path, body, headers = {}, retried = false) {
  const site = await siteConfig();
  const options = { method, headers: { ...headers } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(site.api + path, options);
  if (response.status === 401 && headers.Authorization && !retried) {
    // the ID token ran out: refresh it once and ask again, else the agent is signed out
    if (await refreshTokens()) return api(method, path, body, { ...headers, ...agentHeaders() }, true);
    signedOut("Your session has ended: sign in again.");
  }
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

// ---- Agents' sign-in: the OAuth 2.0 authorization-code flow with PKCE against Cognito's managed
// login (locally its stand-in at /local/auth). Tokens live in this tab's sessionStorage only.
const SESSION_KEY = "supportflow.session";
const PENDING_KEY = "supportflow.sign-in";
let refreshTimer = null;

function b64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function tokenClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch { return null; }
}

function session() {
  try { return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null"); } catch { return null; }
}

function agentHeaders() {
  const s = session();
  return s ? { Authorization: `Bearer ${s.id_token}` } : {};
}

function signedInAgent() {
  const s = session();
  const claims = s && tokenClaims(s.id_token);
  if (!claims) return null;
  const groups = claims["cognito:groups"] || [];
  return { email: claims.email || claims["cognito:username"], admin: groups.includes("admins"), exp: claims.exp };
}

function callbackUrl() {
  return location.origin + location.pathname;  // /agent or /review: the client's callback URLs
}

async function signIn() {
  const site = await siteConfig();
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, back: location.search + location.hash }));
  const query = new URLSearchParams({
    response_type: "code", client_id: site.signIn.clientId, redirect_uri: callbackUrl(),
    scope: site.signIn.scopes, state, code_challenge: b64url(new Uint8Array(digest)),
    code_challenge_method: "S256",
  });
  location.assign(`${site.signIn.domain}/oauth2/authorize?${query}`);
}

async function tokenRequest(form) {
  const site = await siteConfig();
  const response = await fetch(`${site.signIn.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: site.signIn.clientId, ...form }),
  });
  if (!response.ok) throw new Error(`sign-in refused (${response.status})`);
  return response.json();
}

function keep(tokens) {
  const before = session() || {};
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({
    id_token: tokens.id_token, refresh_token: tokens.refresh_token || before.refresh_token,
  }));
  scheduleRefresh();
}

async function finishSignIn() {
  // Back from the sign-in pages with ?code=...&state=...: the code and the PKCE verifier for tokens.
  const params = new URLSearchParams(location.search);
  if (!params.has("code") && !params.has("error")) return;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || "null");
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, "", location.pathname + ((pending && pending.back) || ""));
  if (params.has("error")) throw new Error(`sign-in failed: ${params.get("error_description") || params.get("error")}`);
  if (!pending || pending.state !== params.get("state")) throw new Error("this sign-in was not started here: sign in again");
  keep(await tokenRequest({
    grant_type: "authorization_code", code: params.get("code"), redirect_uri: callbackUrl(),
    code_verifier: pending.verifier,
  }));
}

async function refreshTokens() {
  const s = session();
  if (!s || !s.refresh_token) return false;
  try { keep(await tokenRequest({ grant_type: "refresh_token", refresh_token: s.refresh_token })); return true; }
  catch { return false; }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const agent = signedInAgent();
  if (!agent) return;
  const wait = Math.max(5, agent.exp - Date.now() / 1000 - 120) * 1000;  // two minutes before expiry
  refreshTimer = setTimeout(async () => {
    if (!(await refreshTokens())) signedOut("Your session has ended: sign in again.");
  }, wait);
}

function signedOut(message) {
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(SESSION_KEY);
  showSignIn(message);
}

async function signOut() {
  const site = await siteConfig();
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(SESSION_KEY);
  const query = new URLSearchParams({ client_id: site.signIn.clientId, logout_uri: `${location.origin}/agent` });
  location.assign(`${site.signIn.domain}/logout?${query}`);
}

function showSignIn(message) {
  // The page's content gives way to a sign-in panel (nothing is shown without a session).
  document.querySelectorAll("main").forEach((m) => { m.hidden = true; });
  let panel = document.getElementById("sign-in");
  if (!panel) {
    panel = document.createElement("section");
    panel.id = "sign-in";
    panel.className = "sign-in";
    panel.innerHTML = `<h1>Agents sign in</h1><p id="sign-in-message"></p><button id="sign-in-button" type="button">Sign in</button>`;
    document.body.appendChild(panel);
    document.getElementById("sign-in-button").addEventListener("click", () => signIn());
  }
  document.getElementById("sign-in-message").textContent = message || "Sign in with your desk account to see the queue.";
  panel.hidden = false;
}

async function requireAgent() {
  // The agent behind this page, or null (the sign-in panel is showing).
  try { await finishSignIn(); } catch (e) { showSignIn(e.message); return null; }
  const agent = signedInAgent();
  if (!agent || agent.exp * 1000 <= Date.now()) {
    if (agent && (await refreshTokens())) return requireAgent();
    signedOut(agent ? "Your session has ended: sign in again." : "");
    return null;
  }
  scheduleRefresh();
  const who = document.getElementById("who-am-i");
  if (who) {
    who.hidden = false;
    who.querySelector(".name").textContent = agent.email + (agent.admin ? " (admin)" : "");
    who.querySelector("button").onclick = () => signOut();
  }
  return agent;
}

// ---- The local stack's own state (its simulated clock, its loops' health); nothing on AWS.
async function tickClock() {
  try {
    const site = await siteConfig();
    if (!site.local) return null;
    const status = await (await fetch("/local/status.json", { cache: "no-store" })).json();
    const el = document.getElementById("clock");
    if (el) el.textContent = `clock ${when(status.now)} · x${status.speed}`;
    showHealth(status.health || {});
    return status;
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

// ---- Formatting.
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
