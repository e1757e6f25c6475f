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
    // the forms' helpers (customer.js)
    chars: "{n} of {limit} characters", chars_over: " — {over} too many: shorten it, or attach the rest as a file or link",
    too_long: "{field} is longer than {limit} characters.", the_subject: "The subject", the_description: "The description",
    invisible_one: "1 invisible character was left out of what you pasted.", invisible_many: "{n} invisible characters were left out of what you pasted.",
    too_many_files: "At most {n} files at a time.", upload_failed: "{name} could not be uploaded ({status}); try again.",
    write_first: "Write your message first.", cannot_show: "The ticket cannot be shown just now ({why}).",
    fresh_offer: "We can mail a fresh link to the address the ticket was filed from.", fresh_button: "Mail me a fresh link",
    fresh_sent: "If the ticket's contact may sign in to the portal, a sign-in link that opens this ticket is on its way to their address. It signs you in to the support portal, where you see the ticket.",
    filed_held: "Received; the desk answers once it has checked this filing.",
    filed_repeated: "This ticket was filed already; the link to follow it was mailed to its contact.",
    // the portal
    portal_title: "Sign in to the support portal",
    portal_lead: "See your organisation's tickets, answer the desk, confirm a fix and file a new ticket. No password: we mail you a link to sign in.",
    portal_email: "Your e-mail address (the one your organisation gave the desk)",
    portal_ask: "Mail me a sign-in link", portal_asked_button: "Sent: check your mail", portal_ask_again: "Mail me a new link",
    portal_asked: "If this address may sign in to the portal, a sign-in link is on its way to it: check your mail. The link works once, for {minutes} minutes.",
    portal_bad_address: "Your e-mail address: {problem}.",
    portal_link_used: "This sign-in link does not work (any more): a link works once, for a few minutes. Ask for a new one below.",
    portal_sign_in_failed: "Signing in did not work just now ({why}).",
    portal_ended: "Your portal session has ended: sign in again.", portal_signed_out: "You are signed out.", sign_out: "Sign out",
    signed_in_for: "signed in for {customer}",
    tickets_of: "Tickets of {customer}",
    sees_all: "You are an authorised contact: you see every ticket of your organisation, whoever filed it.",
    sees_own: "You see the tickets you filed. Your organisation's authorised contacts see all of its tickets.",
    which_tickets: "Which tickets", filter_open: "Open", filter_closed: "Closed", filter_any: "All",
    col_ticket: "Ticket", col_subject: "Subject", col_by: "Filed by", col_opened: "Opened", col_status: "Status", you: "you",
    more_tickets: "More tickets", empty_open: "No open tickets.", empty_closed: "No closed tickets yet.", empty_any: "No tickets yet.",
    all_tickets: "← All tickets", opened: "opened", conversation: "Conversation", the_request: "The request",
    no_such_ticket: "There is no ticket {id} among the tickets you may see.",
    new_who: "Filed as {contact} for {customer}; the desk answers by mail and here.",
    status_working: "We are working on it", status_waiting: "Waiting for your answer", status_solved: "Solved — please confirm", status_closed: "Closed",
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
    chars: "{n} van {limit} tekens", chars_over: " — {over} te veel: maak het korter, of stuur de rest mee als bestand of link",
    too_long: "{field} is langer dan {limit} tekens.", the_subject: "Het onderwerp", the_description: "De beschrijving",
    invisible_one: "1 onzichtbaar teken is weggelaten uit wat u plakte.", invisible_many: "{n} onzichtbare tekens zijn weggelaten uit wat u plakte.",
    too_many_files: "Hoogstens {n} bestanden tegelijk.", upload_failed: "{name} kon niet worden geüpload ({status}); probeer het opnieuw.",
    write_first: "Schrijf eerst uw bericht.", cannot_show: "De melding kan nu niet worden getoond ({why}).",
    fresh_offer: "We kunnen een nieuwe link mailen naar het adres waarvandaan de melding is gedaan.", fresh_button: "Mail mij een nieuwe link",
    fresh_sent: "Als de contactpersoon van de melding mag inloggen op het portaal, is een inloglink naar zijn of haar adres onderweg. Daarmee logt u in op het klantportaal en ziet u de melding.",
    filed_held: "Ontvangen; de servicedesk antwoordt zodra deze melding is gecontroleerd.",
    filed_repeated: "Deze melding was al gedaan; de link om haar te volgen is naar de contactpersoon gemaild.",
    portal_title: "Inloggen op het klantportaal",
    portal_lead: "Zie de meldingen van uw organisatie, antwoord de servicedesk, bevestig een oplossing en doe een nieuwe melding. Geen wachtwoord: we mailen u een link om in te loggen.",
    portal_email: "Uw e-mailadres (het adres dat uw organisatie aan de servicedesk gaf)",
    portal_ask: "Mail mij een inloglink", portal_asked_button: "Verstuurd: kijk in uw mail", portal_ask_again: "Mail mij een nieuwe link",
    portal_asked: "Als dit adres mag inloggen op het portaal, is er een inloglink naar onderweg: kijk in uw mail. De link werkt één keer, {minutes} minuten lang.",
    portal_bad_address: "Uw e-mailadres: {problem}.",
    portal_link_used: "Deze inloglink werkt niet (meer): een link werkt één keer, een paar minuten lang. Vraag hieronder een nieuwe aan.",
    portal_sign_in_failed: "Inloggen lukte nu niet ({why}).",
    portal_ended: "Uw sessie in het portaal is verlopen: log opnieuw in.", portal_signed_out: "U bent uitgelogd.", sign_out: "Uitloggen",
    signed_in_for: "ingelogd voor {customer}",
    tickets_of: "Meldingen van {customer}",
    sees_all: "U bent een geautoriseerde contactpersoon: u ziet elke melding van uw organisatie, wie haar ook deed.",
    sees_own: "U ziet de meldingen die u zelf deed. De geautoriseerde contactpersonen van uw organisatie zien ze allemaal.",
    which_tickets: "Welke meldingen", filter_open: "Open", filter_closed: "Gesloten", filter_any: "Alle",
    col_ticket: "Melding", col_subject: "Onderwerp", col_by: "Gedaan door", col_opened: "Geopend", col_status: "Stand", you: "u",
    more_tickets: "Meer meldingen", empty_open: "Geen open meldingen.", empty_closed: "Nog geen gesloten meldingen.", empty_any: "Nog geen meldingen.",
    all_tickets: "← Alle meldingen", opened: "geopend", conversation: "Gesprek", the_request: "De vraag",
    no_such_ticket: "Er is geen melding {id} onder de meldingen die u mag zien.",
    new_who: "Gedaan als {contact} voor {customer}; de servicedesk antwoordt per mail en hier.",
    status_working: "We zijn ermee bezig", status_waiting: "We wachten op uw antwoord", status_solved: "Opgelost — graag uw bevestiging", status_closed: "Gesloten",
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
    chars: "{n} von {limit} Zeichen", chars_over: " — {over} zu viel: kürzen Sie den Text, oder senden Sie den Rest als Datei oder Link",
    too_long: "{field} ist länger als {limit} Zeichen.", the_subject: "Der Betreff", the_description: "Die Beschreibung",
    invisible_one: "1 unsichtbares Zeichen wurde aus dem Eingefügten entfernt.", invisible_many: "{n} unsichtbare Zeichen wurden aus dem Eingefügten entfernt.",
    too_many_files: "Höchstens {n} Dateien auf einmal.", upload_failed: "{name} konnte nicht hochgeladen werden ({status}); bitte erneut versuchen.",
    write_first: "Schreiben Sie zuerst Ihre Nachricht.", cannot_show: "Die Meldung kann gerade nicht angezeigt werden ({why}).",
    fresh_offer: "Wir können einen neuen Link an die Adresse senden, von der die Meldung kam.", fresh_button: "Neuen Link senden",
    fresh_sent: "Wenn der Kontakt der Meldung sich am Portal anmelden darf, ist ein Anmeldelink an seine Adresse unterwegs. Damit melden Sie sich am Kundenportal an und sehen die Meldung.",
    filed_held: "Erhalten; der Support antwortet, sobald diese Meldung geprüft ist.",
    filed_repeated: "Diese Meldung wurde bereits aufgegeben; der Link dazu ging per E-Mail an ihren Kontakt.",
    portal_title: "Am Kundenportal anmelden",
    portal_lead: "Sehen Sie die Meldungen Ihrer Organisation, antworten Sie dem Support, bestätigen Sie eine Lösung und geben Sie eine neue Meldung auf. Kein Passwort: wir senden Ihnen einen Anmeldelink.",
    portal_email: "Ihre E-Mail-Adresse (die Ihre Organisation dem Support genannt hat)",
    portal_ask: "Anmeldelink senden", portal_asked_button: "Gesendet: sehen Sie in Ihre E-Mails", portal_ask_again: "Neuen Link senden",
    portal_asked: "Wenn diese Adresse sich am Portal anmelden darf, ist ein Anmeldelink dorthin unterwegs: sehen Sie in Ihre E-Mails. Der Link funktioniert einmal, {minutes} Minuten lang.",
    portal_bad_address: "Ihre E-Mail-Adresse: {problem}.",
    portal_link_used: "Dieser Anmeldelink funktioniert nicht (mehr): ein Link funktioniert einmal, wenige Minuten lang. Fordern Sie unten einen neuen an.",
    portal_sign_in_failed: "Die Anmeldung hat gerade nicht geklappt ({why}).",
    portal_ended: "Ihre Sitzung im Portal ist abgelaufen: melden Sie sich erneut an.", portal_signed_out: "Sie sind abgemeldet.", sign_out: "Abmelden",
    signed_in_for: "angemeldet für {customer}",
    tickets_of: "Meldungen von {customer}",
    sees_all: "Sie sind ein autorisierter Kontakt: Sie sehen jede Meldung Ihrer Organisation, egal wer sie aufgegeben hat.",
    sees_own: "Sie sehen Ihre eigenen Meldungen. Die autorisierten Kontakte Ihrer Organisation sehen alle.",
    which_tickets: "Welche Meldungen", filter_open: "Offen", filter_closed: "Geschlossen", filter_any: "Alle",
    col_ticket: "Meldung", col_subject: "Betreff", col_by: "Aufgegeben von", col_opened: "Eröffnet", col_status: "Stand", you: "Sie",
    more_tickets: "Weitere Meldungen", empty_open: "Keine offenen Meldungen.", empty_closed: "Noch keine geschlossenen Meldungen.", empty_any: "Noch keine Meldungen.",
    all_tickets: "← Alle Meldungen", opened: "eröffnet", conversation: "Verlauf", the_request: "Die Anfrage",
    no_such_ticket: "Unter den Meldungen, die Sie sehen dürfen, ist keine Meldung {id}.",
    new_who: "Aufgegeben als {contact} für {customer}; der Support antwortet per E-Mail und hier.",
    status_working: "Wir arbeiten daran", status_waiting: "Wir warten auf Ihre Antwort", status_solved: "Gelöst — bitte bestätigen", status_closed: "Geschlossen",
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
