/* Fieldbook chat widget. One tag on any site:
 *   <script src="https://BUSINESS/widget/embed.js" data-key="PUBLIC_KEY" async></script>
 * Vanilla JS, no third-party requests. Every customer and agent text is rendered with textContent,
 * never as HTML. The conversation resumes after a reload through a signed token in localStorage. */
(function () {
  "use strict";
  var script = document.currentScript ||
      document.querySelector('script[data-key][src*="/widget/embed.js"]');
  if (!script || window.__fieldbookWidget) { return; }
  window.__fieldbookWidget = true;

  var key = script.getAttribute("data-key");
  var base = new URL(script.src, document.baseURI);
  var origin = base.origin;
  var storageKey = "fieldbook:" + key;
  var state = { token: null, lastSeq: 0, ws: null, attempts: 0, failures: 0, sending: [], open: false };
  try { var saved = JSON.parse(localStorage.getItem(storageKey) || "{}");
        state.token = saved.token || null; state.conversationId = saved.conversationId || null; } catch (e) {}

  function save() {
    try { localStorage.setItem(storageKey, JSON.stringify({ token: state.token, conversationId: state.conversationId })); }
    catch (e) {}
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var css = el("link", { rel: "stylesheet", href: origin + "/widget/widget.css" });
  document.head.appendChild(css);

  var root = el("div", { "class": "fbw-root" });
  var launcher = el("button", { type: "button", "class": "fbw-launcher", "aria-expanded": "false",
                                "aria-controls": "fbw-panel" }, "Chat with us");
  var panel = el("section", { id: "fbw-panel", "class": "fbw-panel", role: "dialog", "aria-modal": "false",
                              "aria-labelledby": "fbw-title", hidden: "" });
  var header = el("header", { "class": "fbw-header" });
  header.appendChild(el("h2", { id: "fbw-title" }, "Book a service"));
  var close = el("button", { type: "button", "class": "fbw-close", "aria-label": "Close chat" }, "\u00d7");
  header.appendChild(close);
  var log = el("div", { "class": "fbw-log", role: "log", tabindex: "0", "aria-live": "polite", "aria-relevant": "additions",
                       "aria-label": "Conversation" });
  var typing = el("p", { "class": "fbw-typing", hidden: "" }, "Typing\u2026");
  // the choices the last reply offers, as buttons; typing an answer works just as well
  var choices = el("div", { "class": "fbw-choices", role: "group", "aria-label": "Suggested replies", hidden: "" });
  var status = el("p", { "class": "fbw-status", role: "status" });
  var form = el("form", { "class": "fbw-form", novalidate: "" });
  var label = el("label", { "for": "fbw-input", "class": "fbw-sr" }, "Your message");
  // no maxlength: a pasted text past the limit is kept and the customer told, never cut without a word
  var input = el("textarea", { id: "fbw-input", rows: "2", autocomplete: "off", "aria-describedby": "fbw-count",
                               placeholder: "Type your message\u2026" });
  var send = el("button", { type: "submit", "class": "fbw-send" }, "Send");
  var count = el("p", { id: "fbw-count", "class": "fbw-count", "aria-live": "polite" });
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  panel.appendChild(header); panel.appendChild(log); panel.appendChild(typing); panel.appendChild(choices);
  panel.appendChild(status); panel.appendChild(count); panel.appendChild(form);
  root.appendChild(launcher); root.appendChild(panel);
  document.body.appendChild(root);

  function setOpen(open) {
    state.open = open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { panel.removeAttribute("hidden"); input.focus(); connect(); }
    else { panel.setAttribute("hidden", ""); launcher.focus(); }
  }
  launcher.addEventListener("click", function () { setOpen(!state.open); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { setOpen(false); } });

  function addMessage(role, text, extraClass) {
    var item = el("div", { "class": "fbw-msg fbw-" + role + (extraClass ? " " + extraClass : "") });
    // a person's reply is labelled as theirs, visibly: the customer should know who is answering
    var who = { customer: "You: ", staff: "Team: " }[role] || "Agent: ";
    item.appendChild(el("span", { "class": role === "staff" ? "fbw-who" : "fbw-sr" }, who));
    item.appendChild(el("span", { "class": "fbw-text" }, text));
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  var MAX_TEXT = 2000, COUNT_FROM = 1800;
  function tooLong() { return input.value.trim().length > MAX_TEXT; }
  function updateCount() {
    var n = input.value.trim().length;
    if (n > MAX_TEXT) {
      count.textContent = "Your message is " + n + " characters; the limit is " + MAX_TEXT +
                          ". Please shorten it or send it in two parts.";
      count.className = "fbw-count fbw-over"; input.setAttribute("aria-invalid", "true");
    } else {
      count.textContent = n >= COUNT_FROM ? (MAX_TEXT - n) + " characters left" : "";
      count.className = "fbw-count"; input.removeAttribute("aria-invalid");
    }
  }
  input.addEventListener("input", updateCount);

  // "Typing..." ends with a reply; if none comes well past the slowest engine, the customer is told
  // their message is kept and someone will answer, instead of watching an indicator forever.
  var TYPING_MAX_MS = 45000, typingTimer = null;
  function showTyping() {
    typing.removeAttribute("hidden");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      typing.setAttribute("hidden", "");
      status.textContent = "This is taking longer than usual. Your message is saved and someone will reply here soon.";
    }, TYPING_MAX_MS);
  }
  function hideTyping() { clearTimeout(typingTimer); typing.setAttribute("hidden", ""); }

  function showChoices(list) {
    while (choices.firstChild) { choices.removeChild(choices.firstChild); }
    (list || []).forEach(function (choice) {
      var button = el("button", { type: "button", "class": "fbw-choice" }, choice.label);
      // the buttons go away once one is used: the text box keeps the focus for whatever comes next
      button.addEventListener("click", function () { input.focus(); submit(choice.value); });
      choices.appendChild(button);
    });
    if (choices.firstChild) { choices.removeAttribute("hidden"); } else { choices.setAttribute("hidden", ""); }
    log.scrollTop = log.scrollHeight;   // the buttons take room: keep the question they answer in view
  }

  function showBooking(booking) {
    if (!booking || document.getElementById("fbw-card-" + booking.ticket_code)) { return; }
    var card = el("div", { "class": "fbw-card", id: "fbw-card-" + booking.ticket_code, role: "group",
                           "aria-label": "Booking confirmation" });
    card.appendChild(el("strong", {}, "Booked: " + booking.service + " visit"));
    var list = el("dl", {});
    [["Service", booking.service], ["Technician", booking.technician], ["When", booking.when],
     ["Where", booking.address], ["Your reference", booking.ticket_code]].forEach(function (row) {
      if (!row[1]) { return; }
      list.appendChild(el("dt", {}, row[0])); list.appendChild(el("dd", {}, row[1]));
    });
    card.appendChild(list);
    if (booking.ics_url) {
      var link = el("a", { href: origin + booking.ics_url, download: "appointment.ics", "class": "fbw-ics" },
                    "Add to calendar");
      card.appendChild(link);
    }
    log.appendChild(card);
    log.scrollTop = log.scrollHeight;
  }

  // The business's colour (a #rrggbb the server checked) and its name on the panel, from its settings.
  function applyLook(look) {
    if (/^#[0-9a-fA-F]{6}$/.test(look.color || "")) { root.style.setProperty("--fbw-accent", look.color); }
    if (look.business) { panel.querySelector("#fbw-title").textContent = look.business; }
  }

  function handle(frame) {
    if (frame.type === "welcome") {
      state.token = frame.token; state.conversationId = frame.conversation_id; save();
      applyLook(frame.look || {});
      // the business's greeting heads the conversation (shown, not stored); a new one adds starting choices
      var fresh = !state.lastSeq && !log.querySelector(".fbw-greeting");
      if (frame.greeting && fresh) { addMessage("agent", frame.greeting, "fbw-greeting"); }
      (frame.messages || []).forEach(handle);
      if (frame.greeting && fresh && !(frame.messages || []).length) { showChoices(frame.quick_replies); }
      state.failures = 0; status.textContent = "";
      flush();
    } else if (frame.type === "transcript" || frame.type === "reply") {
      if (frame.seq && frame.seq <= state.lastSeq) { return; }
      if (frame.seq) { state.lastSeq = frame.seq; }
      hideTyping();
      addMessage(frame.role || "agent", frame.text);
      showChoices(frame.quick_replies);
      if (frame.booking) { showBooking(frame.booking); }
    } else if (frame.type === "ack") {
      state.lastSeq = Math.max(state.lastSeq, frame.seq || 0);
    } else if (frame.type === "booking") {
      showBooking(frame.booking);
    } else if (frame.type === "done") {
      hideTyping();
    } else if (frame.type === "typing") {
      showTyping();
    } else if (frame.type === "error") {
      hideTyping();
      status.textContent = frame.message || "Something went wrong.";
      if (frame.code === "RESUME_REJECTED") { state.token = null; state.lastSeq = 0; save(); }
    }
  }

  function wsUrl() {
    return (origin.indexOf("https:") === 0 ? "wss:" : "ws:") + "//" + base.host + "/widget/ws?key=" +
           encodeURIComponent(key);
  }

  function connect() {
    if (state.ws && (state.ws.readyState === 0 || state.ws.readyState === 1)) { return; }
    if (state.failures >= 3) { return; }   // the HTTP fallback carries the conversation from here
    var ws;
    try { ws = new WebSocket(wsUrl()); } catch (e) { state.failures += 1; return; }
    state.ws = ws;
    ws.onopen = function () {
      state.attempts = 0;
      ws.send(JSON.stringify({ type: "hello", token: state.token, after_seq: state.lastSeq }));
    };
    ws.onmessage = function (event) {
      try { handle(JSON.parse(event.data)); } catch (e) {}
    };
    ws.onclose = function (event) {
      state.ws = null;
      if (event.code === 1008 || event.code === 4403) { state.failures = 3; return; }
      state.failures += 1;
      state.attempts += 1;
      var delay = Math.min(30000, 500 * Math.pow(2, state.attempts)) + Math.floor(Math.random() * 300);
      if (state.open) { setTimeout(connect, delay); }
    };
  }

  function flush() {
    while (state.sending.length && state.ws && state.ws.readyState === 1) {
      state.ws.send(JSON.stringify({ type: "message", text: state.sending.shift() }));
    }
  }

  // HTTP fallback: every line comes from polling the transcript (the agent's answer right after a message,
  // a staff reply within POLL_MS), so each line is shown once, in order.
  var POLL_MS = 5000;
  function poll() {
    if (!state.conversationId) { return Promise.resolve(); }
    return fetch(origin + "/api/v1/ai-agent/chat/" + encodeURIComponent(state.conversationId) +
                 "/messages?after_seq=" + state.lastSeq, { headers: { "X-Widget-Key": key } })
      .then(function (r) { return r.json(); }).then(function (body) {
        (body.messages || []).forEach(function (line) {
          if (line.seq <= state.lastSeq) { return; }
          state.lastSeq = line.seq;
          if (line.role !== "customer") { hideTyping(); addMessage(line.role, line.text); }
        });
      }).catch(function () {});
  }
  setInterval(function () { if (state.open && state.failures >= 3) { poll(); } }, POLL_MS);

  function sendOverHttp(text) {
    showTyping();
    fetch(origin + "/api/v1/ai-agent/chat", {
      method: "POST", headers: { "Content-Type": "application/json", "X-Widget-Key": key },
      body: JSON.stringify({ conversation_id: state.conversationId || null, message: text })
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (body.error) { hideTyping(); status.textContent = body.error.message; return; }
      state.conversationId = body.conversation_id; save();
      return poll().then(function () { hideTyping(); showChoices(body.quick_replies); });
    }).catch(function () { hideTyping(); status.textContent = "We could not reach the server."; });
  }

  // a typed message and a tapped choice go the same way: shown as the customer's, then sent
  function submit(text) {
    showChoices([]);
    status.textContent = "";
    addMessage("customer", text);
    if (state.failures >= 3) { sendOverHttp(text); return; }
    state.sending.push(text);
    connect();
    flush();
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    if (tooLong()) { updateCount(); input.focus(); return; }
    input.value = "";
    updateCount();
    submit(text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : send.click(); }
  });

  if (state.token) { setOpen(true); }
})();
