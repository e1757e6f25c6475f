// The customer's pages in the customer's language (nl, en, de): the contract's, unless the
// customer picks another with the switch (kept in this browser). Elements with data-t take
// their words from here; scripts call t(key, {vars}).
const WORDS = {
  en: {
    file_title: "File a ticket", who: "We know your organisation from your e-mail address.",
    form_of: "The form of {name}.", email: "Your e-mail", subject: "Subject",
    description: "What happened? (what, where, when, who)", category: "What kind of problem?",
    optional: "(optional)", urgency: "Urgency", impact: "Impact", proposal: "Priority (your proposal)",
    let_desk: "(let the desk decide)", none_of_these: "(none of these)",
    files: "Screenshots, PDFs or a short video", files_hint: "(up to 5 files: images and PDFs up to 10 MB, videos up to 50 MB)",
    links: "Or links to them (one per line)", send: "Send ticket", sending: "Sending…", sent: "Sent",
    check_fields: "Please check the fields marked above.",
    ticket: "Ticket", status: "Status", priority: "priority", target: "Target", due: "Due", state: "State",
    first_response: "First response", resolution: "Resolution", timeline: "Timeline", your_request: "Your request",
    add_info: "Add information for the desk", asked_you: "The desk asked you something: your answer",
    send_reply: "Send", confirm: "The fix works: close the ticket", reopen: "It is not fixed: reopen",
    closed_note: "This ticket is closed. Something new, or is it back?", new_ticket: "File a new ticket",
    stage_triage: "We have received it", stage_first_line: "We are working on it", stage_second_line: "We are working on it",
    stage_waiting_on_customer: "Waiting for your answer", stage_resolved: "Solved — please confirm", stage_closed: "Closed",
    promise_response: "We answer by {due}", promise_resolution: "We aim to solve it by {due}",
    met: "done {at}", running: "on its way", paused: "waits for your answer", not_started: "not started yet", breached: "late",
    no_target: "no time promised",
    ev_opened: "You filed it", ev_responded: "We answered", ev_waiting_on_customer: "We asked you something",
    ev_customer_replied: "You answered", ev_customer_message: "You added information", ev_resolved: "We solved it",
    ev_reopened: "Reopened", ev_closed: "Closed",
    link_bad: "This ticket link is not valid: it may be cut off or mistyped, or no longer valid. Open the link in the desk's latest mail about your ticket, or file a new ticket below.",
    language: "Language", nav_file: "File a ticket", nav_portal: "Support portal",
  },
  nl: {
    file_title: "Een melding doen", who: "Wij herkennen uw organisatie aan uw e-mailadres.",
    form_of: "Het formulier van {name}.", email: "Uw e-mailadres", subject: "Onderwerp",
    description: "Wat is er gebeurd? (wat, waar, wanneer, wie)", category: "Wat voor probleem?",
    optional: "(niet verplicht)", urgency: "Urgentie", impact: "Impact", proposal: "Prioriteit (uw voorstel)",
    let_desk: "(laat de servicedesk kiezen)", none_of_these: "(geen van deze)",
    files: "Schermafbeeldingen, pdf's of een korte video", files_hint: "(tot 5 bestanden: afbeeldingen en pdf's tot 10 MB, video's tot 50 MB)",
    links: "Of links ernaar (één per regel)", send: "Melding versturen", sending: "Bezig met versturen…", sent: "Verstuurd",
    check_fields: "Kijk de gemarkeerde velden hierboven na.",
    ticket: "Melding", status: "Status", priority: "prioriteit", target: "Doel", due: "Uiterlijk", state: "Stand",
    first_response: "Eerste reactie", resolution: "Oplossing", timeline: "Verloop", your_request: "Uw vraag",
    add_info: "Informatie toevoegen voor de servicedesk", asked_you: "De servicedesk vroeg u iets: uw antwoord",
    send_reply: "Versturen", confirm: "Het werkt weer: sluit de melding", reopen: "Het is niet opgelost: heropen",
    closed_note: "Deze melding is gesloten. Iets nieuws, of is het terug?", new_ticket: "Nieuwe melding doen",
    stage_triage: "We hebben uw melding ontvangen", stage_first_line: "We zijn ermee bezig", stage_second_line: "We zijn ermee bezig",
    stage_waiting_on_customer: "We wachten op uw antwoord", stage_resolved: "Opgelost — graag uw bevestiging", stage_closed: "Gesloten",
    promise_response: "We reageren uiterlijk {due}", promise_resolution: "We willen het oplossen vóór {due}",
    met: "gedaan {at}", running: "onderweg", paused: "wacht op uw antwoord", not_started: "nog niet begonnen", breached: "te laat",
    no_target: "geen termijn beloofd",
    ev_opened: "U deed de melding", ev_responded: "Wij antwoordden", ev_waiting_on_customer: "Wij vroegen u iets",
    ev_customer_replied: "U antwoordde", ev_customer_message: "U voegde informatie toe", ev_resolved: "Wij losten het op",
    ev_reopened: "Heropend", ev_closed: "Gesloten",
    link_bad: "Deze link naar uw melding werkt niet: hij is misschien afgebroken of verkeerd overgenomen, of niet meer geldig. Open de link in de laatste e-mail van de servicedesk over uw melding, of doe hieronder een nieuwe melding.",
    language: "Taal", nav_file: "Melding doen", nav_portal: "Klantportaal",
  },
  de: {
    file_title: "Eine Meldung aufgeben", who: "Wir erkennen Ihre Organisation an Ihrer E-Mail-Adresse.",
    form_of: "Das Formular von {name}.", email: "Ihre E-Mail-Adresse", subject: "Betreff",
    description: "Was ist passiert? (was, wo, wann, wer)", category: "Welche Art von Problem?",
    optional: "(optional)", urgency: "Dringlichkeit", impact: "Auswirkung", proposal: "Priorität (Ihr Vorschlag)",
    let_desk: "(den Support entscheiden lassen)", none_of_these: "(nichts davon)",
    files: "Screenshots, PDFs oder ein kurzes Video", files_hint: "(bis zu 5 Dateien: Bilder und PDFs bis 10 MB, Videos bis 50 MB)",
    links: "Oder Links dazu (einer pro Zeile)", send: "Meldung senden", sending: "Wird gesendet…", sent: "Gesendet",
    check_fields: "Bitte prüfen Sie die oben markierten Felder.",
    ticket: "Meldung", status: "Status", priority: "Priorität", target: "Ziel", due: "Spätestens", state: "Stand",
    first_response: "Erste Antwort", resolution: "Lösung", timeline: "Verlauf", your_request: "Ihre Anfrage",
    add_info: "Informationen für den Support ergänzen", asked_you: "Der Support hat Sie etwas gefragt: Ihre Antwort",
    send_reply: "Senden", confirm: "Es funktioniert: Meldung schließen", reopen: "Nicht gelöst: wieder öffnen",
    closed_note: "Diese Meldung ist geschlossen. Etwas Neues, oder ist es zurück?", new_ticket: "Neue Meldung aufgeben",
    stage_triage: "Wir haben Ihre Meldung erhalten", stage_first_line: "Wir arbeiten daran", stage_second_line: "Wir arbeiten daran",
    stage_waiting_on_customer: "Wir warten auf Ihre Antwort", stage_resolved: "Gelöst — bitte bestätigen", stage_closed: "Geschlossen",
    promise_response: "Wir antworten bis {due}", promise_resolution: "Wir wollen es lösen bis {due}",
    met: "erledigt {at}", running: "unterwegs", paused: "wartet auf Ihre Antwort", not_started: "noch nicht begonnen", breached: "verspätet",
    no_target: "keine Frist zugesagt",
    ev_opened: "Sie haben die Meldung aufgegeben", ev_responded: "Wir haben geantwortet", ev_waiting_on_customer: "Wir haben Sie etwas gefragt",
    ev_customer_replied: "Sie haben geantwortet", ev_customer_message: "Sie haben Informationen ergänzt", ev_resolved: "Wir haben es gelöst",
    ev_reopened: "Wieder geöffnet", ev_closed: "Geschlossen",
    link_bad: "Dieser Link zu Ihrer Meldung funktioniert nicht: er ist vielleicht abgeschnitten oder falsch übernommen, oder nicht mehr gültig. Öffnen Sie den Link in der letzten E-Mail des Supports zu Ihrer Meldung, oder geben Sie unten eine neue Meldung auf.",
    language: "Sprache", nav_file: "Meldung aufgeben", nav_portal: "Kundenportal",
  },
};
const LANGUAGES = { nl: "Nederlands", en: "English", de: "Deutsch" };
const CHOSEN = "supportflow.language";
let LANG = (() => {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked && WORDS[asked]) return asked;
  try { const kept = localStorage.getItem(CHOSEN); if (kept && WORDS[kept]) return kept; } catch { /* no storage */ }
  const browser = (navigator.language || "en").slice(0, 2);
  return WORDS[browser] ? browser : "en";
})();
let languagePicked = (() => { try { return !!localStorage.getItem(CHOSEN); } catch { return false; } })();

function t(key, vars = {}) {
  const text = (WORDS[LANG] || WORDS.en)[key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? ""));
}

function applyWords(root = document) {
  document.documentElement.lang = LANG;
  root.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  const pick = document.getElementById("language");
  if (pick) pick.value = LANG;
}

// The contract's language, unless the customer chose one here.
function contractLanguage(language) {
  if (!languagePicked && WORDS[language] && language !== LANG) { LANG = language; applyWords(); }
}

function languageSwitch(onChange) {
  const pick = document.getElementById("language");
  if (!pick) return;
  pick.innerHTML = Object.entries(LANGUAGES).map(([code, name]) => `<option value="${code}">${name}</option>`).join("");
  pick.value = LANG;
  pick.addEventListener("change", () => {
    LANG = pick.value; languagePicked = true;
    try { localStorage.setItem(CHOSEN, LANG); } catch { /* no storage */ }
    applyWords();
    if (onChange) onChange();
  });
}

// A deadline as the customer reads it: their language, the contract's zone.
function localWhen(iso, zone) {
  if (!iso) return "";
  const locale = { nl: "nl-NL", en: "en-GB", de: "de-DE" }[LANG] || "en-GB";
  return new Intl.DateTimeFormat(locale, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: zone || undefined, timeZoneName: "short",
  }).format(new Date(iso));
}
