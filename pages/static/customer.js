// Shared by the customer's pages (the form and status page, the portal), in the customer's
// words (i18n.js): pasted text cleaned as the API cleans it, a counter against each limit,
// files uploaded straight to the desk's store, and a ticket's deadlines and timeline as the
// customer reads them.

// ---- Text pasted from Word or Outlook: line and paragraph separators and form feeds become
// line breaks (spaces in a one-line field), invisible controls are left out, and the page says
// so. The API does the same for any other caller; nothing is refused for an invisible character.
const BREAKS = /[\u2028\u2029\u000b\u000c\u0085\u001c-\u001e]/g;
const INVISIBLE = /[\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f]/g;
const number = (n) => n.toLocaleString({ nl: "nl-NL", de: "de-DE" }[LANG] || "en-GB");

function cleanText(input, note) {
  const before = input.value;
  let after = before.replace(/\r\n?/g, "\n").replace(BREAKS, "\n");
  const removed = (after.match(INVISIBLE) || []).length;
  after = after.replace(INVISIBLE, "");
  if (input.tagName === "INPUT") after = after.replace(/[\n\t]/g, " ");
  if (after !== before) input.value = after;
  if (note && removed) note.textContent = removed === 1 ? t("invisible_one") : t("invisible_many", { n: removed });
}

// The counter under a field: "1.234 of 20.000 characters", and how many too many.
function countText(input, limit, box) {
  const over = input.value.length - limit;
  if (box) {
    box.textContent = t("chars", { n: number(input.value.length), limit: number(limit) }) +
      (over > 0 ? t("chars_over", { over: number(over) }) : "");
    box.classList.toggle("error", over > 0);
  }
  return over <= 0;
}

function watchText(input, limit, counter, note) {
  input.addEventListener("input", () => { cleanText(input, note); if (limit) countText(input, limit, counter); });
}

// ---- Files go straight to the desk's store (a place the API hands out for each: it takes only
// that file, of that type and size, for ten minutes); the ticket or message names them. A file
// sent once is not sent again when the ticket is sent again after an error.
const MAX_FILES = 5;
const FILE_TYPES = "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,video/mp4,video/webm,video/quicktime";
const uploadedKeys = new Map();  // name|size|lastModified -> key

function listFiles(input, list) {
  const files = [...input.files];
  list.innerHTML = files.map((f) =>
    `<li>${escapeHtml(f.name)} · ${f.size >= 1048576 ? (f.size / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(f.size / 1024)) + " kB"}</li>`).join("");
  return files;
}

function watchFiles(input, list, problem) {
  input.setAttribute("accept", FILE_TYPES);
  input.addEventListener("change", () => {
    const files = listFiles(input, list);
    if (problem) problem.textContent = files.length > MAX_FILES ? t("too_many_files", { n: MAX_FILES }) : "";
  });
}

function forgetFiles(input, list) {
  input.value = "";
  list.innerHTML = "";
}

async function uploadFiles(input, list) {
  const files = listFiles(input, list);
  if (files.length > MAX_FILES) throw new Error(t("too_many_files", { n: MAX_FILES }));
  const keys = [];
  for (const file of files) {
    const id = `${file.name}|${file.size}|${file.lastModified}`;
    if (!uploadedKeys.has(id)) {
      let place;
      try {
        place = await api("POST", "/uploads", { filename: file.name, content_type: file.type || "application/octet-stream", size: file.size });
      } catch (e) { throw new Error(String(e.message || e).replace(/^\d{3}: /, "")); }
      const post = new FormData();
      for (const [name, value] of Object.entries(place.fields)) post.append(name, value);
      post.append("file", file);
      const stored = await fetch(place.url, { method: "POST", body: post });
      if (!stored.ok) throw new Error(t("upload_failed", { name: file.name, status: stored.status }));
      uploadedKeys.set(id, place.key);
    }
    keys.push(uploadedKeys.get(id));
  }
  return keys;
}

// ---- A ticket as its customer reads it (the status view of GET /tickets/{id}/status): each
// deadline as a promise in their words and the contract's zone ("We answer by Tue 10:00"; the
// desk's own explanation under it in English), the timeline in plain words with each message's files.
function deadlineRows(data) {
  const zone = data.zone;
  return Object.entries(data.metrics).map(([name, m]) => {
    const due = m.due ? localWhen(m.due, zone) : "";
    const promise = m.due && !m.met_at ? t(name === "response" ? "promise_response" : "promise_resolution", { due }) : "";
    const detail = LANG === "en" && m.promise ? `<div class="muted promise">${escapeHtml(m.promise)}</div>` : "";
    const state = m.met_at ? t("met", { at: localWhen(m.met_at, zone) }) : (m.due ? t(m.state) : t("no_target"));
    return `<tr><td>${t(name === "response" ? "first_response" : "resolution")}</td>` +
      `<td data-due="${name}" data-due-iso="${escapeHtml(m.due || "")}">${escapeHtml(due || "—")}${promise ? `<div class="plain-promise">${escapeHtml(promise)}</div>` : ""}${detail}</td>` +
      `<td class="${escapeHtml(m.state)}">${escapeHtml(state)}</td></tr>`;
  }).join("");
}

function eventWords(type) {
  const words = t(`ev_${type}`);
  return words === `ev_${type}` ? type.replaceAll("_", " ") : words;
}

function timelineRows(data) {
  return data.timeline.map((e) =>
    `<tr data-type="${escapeHtml(e.type)}"><td data-at-iso="${escapeHtml(e.at)}">${escapeHtml(localWhen(e.at, data.zone) || when(e.at))}</td>` +
    `<td>${escapeHtml(eventWords(e.type))}</td><td>${escapeHtml(e.message || "")}` +
    `${(e.files || []).map((f) => `<div class="muted file">${escapeHtml(f)}</div>`).join("")}</td></tr>`).join("");
}

function fileItems(data) {
  return (data.files || []).map((f) => `<li>${escapeHtml(f)}</li>`).join("");
}

// ---- The priority questions of the customer's pack (GET /forms/{customer}): urgency and impact,
// or a proposed priority; its help on choosing; its categories (a critical one sets the priority).
// `form` holds #priority-help, .category-box, #category, #matrix, #urgency, #impact, #proposal, #priority.
function fillSelect(select, values, blank, words) {
  // each choice in the pack's words for it (its id only when the pack has none)
  select.innerHTML = (blank ? `<option value="">${escapeHtml(blank)}</option>` : "") +
    values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml((words || {})[v] || v.replaceAll("_", " "))}</option>`).join("");
}

function priorityChoices(c, form) {
  const find = (selector) => form.querySelector(selector);
  const hasMatrix = !!c.urgency, words = c.words || {};
  find("#matrix").hidden = !hasMatrix;
  find("#proposal").hidden = hasMatrix;
  if (hasMatrix) { fillSelect(find("#urgency"), c.urgency, null, words.urgency); fillSelect(find("#impact"), c.impact, null, words.impact); }
  fillSelect(find("#priority"), c.priorities || [], t("let_desk"), words.priority);
  const help = find("#priority-help");
  help.hidden = !c.help;
  help.textContent = c.help || "";
  const categories = c.categories || [];
  find(".category-box").hidden = !categories.length;
  fillSelect(find("#category"), categories, t("none_of_these"), words.category);
}
