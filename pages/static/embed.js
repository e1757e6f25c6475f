// supportflow's form on a customer's own site. The customer's contract lists the site
// (allowed_origins); then paste this into a page of it (DESK: the desk's URL):
//
//   <form data-supportflow method="post" action="DESK/api/tickets">
//     <input type="hidden" name="customer" value="YOUR-CUSTOMER-ID">
//     <label>Your e-mail <input name="contact_email" type="email" required></label>
//     <label>Subject <input name="subject" required maxlength="200"></label>
//     <label>What happened? <textarea name="description" required></textarea></label>
//     <button type="submit">Send</button>
//     <p data-supportflow-result role="status"></p>
//   </form>
//   <script src="DESK/static/embed.js" defer></script>
//
// Without the script the form still works: the browser posts it and lands on the desk's status
// page (or a page saying why it was not filed). With it, the answer shows in the form itself.
(function () {
  const script = document.currentScript;
  const desk = new URL(script.src).origin;

  function show(form, parts) {
    let out = form.querySelector("[data-supportflow-result]");
    if (!out) {
      out = document.createElement("p");
      out.setAttribute("data-supportflow-result", "");
      out.setAttribute("role", "status");
      form.appendChild(out);
    }
    out.replaceChildren(...parts.map((p) => {
      if (typeof p === "string") return document.createTextNode(p);
      const a = document.createElement("a");
      a.href = p.href;
      a.textContent = p.text;
      a.target = "_blank";
      a.rel = "noopener";
      return a;
    }));
    out.dataset.state = parts.state || "";
  }

  function enhance(form) {
    let key = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = {};
      for (const [name, value] of new FormData(form)) if (value !== "") data[name] = String(value);
      const button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      try {
        const response = await fetch(`${desk}/api/tickets`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": key },
          body: JSON.stringify(data),
        });
        const body = await response.json().catch(() => ({}));
        if (response.status === 201) {
          show(form, Object.assign(["Received as ", { href: body.status_url, text: body.ticket_id },
            ". Follow it there; the link was also mailed to you."], { state: "filed" }));
          form.reset();
          key = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
        } else if (response.ok) {
          show(form, Object.assign([body.message || "Received."], { state: "received" }));
        } else {
          show(form, Object.assign([body.message || `The desk answered ${response.status}.`], { state: "refused" }));
        }
      } catch {
        show(form, Object.assign(["The desk could not be reached from this page. Try again, or mail the desk."], { state: "unreachable" }));
      } finally {
        if (button) button.disabled = false;
      }
    });
  }

  document.querySelectorAll("form[data-supportflow]").forEach(enhance);
})();
