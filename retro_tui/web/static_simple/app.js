// The simple participant page: renders the hub's view for this seat, sends commands.
//
// Everything shown comes from the view the hub redacted for this seat; nothing here
// decides what a person may see. Every user text goes in through text nodes (never
// innerHTML), so markup in a card is shown literally.
"use strict";

(() => {
  const PHASES = [
    ["checkin", "Check-in"],
    ["data", "Data"],
    ["review", "Review actions"],
    ["health", "Health check"],
    ["write", "Write"],
    ["group", "Group"],
    ["vote", "Vote"],
    ["discuss", "Discuss"],
    ["actions", "Actions"],
    ["close", "Close"],
  ];
  const PHASE_TITLE = Object.fromEntries(PHASES);
  const MOODS = ["1 very low", "2 low", "3 okay", "4 good", "5 great"];
  const ROTI = ["1 waste of time", "2", "3 fair", "4", "5 excellent"];
  const CHECKED_IN = "(checked in)"; // domain/views.py: a check-in this seat may not read

  const $ = (id) => document.getElementById(id);
  let socket = null;
  let view = null; // the newest view: { session, you, online, problem, presenting }
  let shownPhase = null;
  let shownYou = null;
  let nextId = 1;
  let retry = 500;
  let editing = null; // the id of the card being edited
  const pending = new Map(); // command id -> what to do with the answer
  let lastCounts = null;
  let warned = "";
  // What a person is choosing or typing in the group step, kept across the views that
  // rebuild it (someone else's card arriving must not undo a half-made choice).
  const groupChoice = new Map(); // card or topic id -> the id chosen to group it with
  const titleDrafts = new Map(); // topic id -> the title being typed

  // --- building DOM: text always as text nodes -------------------------------------
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (key === "on") {
        for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
      } else if (key === "text") {
        node.textContent = value;
      } else {
        node.setAttribute(key, value === true ? "" : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function say(text, urgent) {
    const region = $(urgent ? "urgent" : "announce");
    region.textContent = "";
    window.setTimeout(() => (region.textContent = text), 50);
  }

  function showStatus(text, kind) {
    const status = $("status");
    status.textContent = text;
    status.className = "status" + (kind ? " -" + kind : "");
  }

  // --- the connection --------------------------------------------------------------
  function connect() {
    const url = new URL("simple-ws", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(url.href);
    socket.addEventListener("open", () => {
      retry = 500;
      $("connection").textContent = "Connected.";
      $("connection").className = "connection -ok";
    });
    socket.addEventListener("message", (event) => receive(event.data));
    socket.addEventListener("close", (event) => {
      for (const answer of pending.values()) answer({ t: "nack", reason: "The connection was lost." });
      pending.clear();
      if (event.code === 1013) return; // full: the reason is on the page already
      $("connection").textContent = "Disconnected from the retro. Reconnecting…";
      $("connection").className = "connection -lost";
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 8000);
    });
  }

  function receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.t === "view") {
      view = message.view;
      render();
    } else if (message.t === "patch") {
      // The members of the view that changed, whole (page_client.py): merged key by key.
      if (!view) return;
      view = { ...view, ...message.view, session: { ...view.session, ...message.session } };
      render();
    } else if (message.t === "ack" || message.t === "nack") {
      const answer = pending.get(message.id);
      pending.delete(message.id);
      if (answer) answer(message);
      if (message.t === "nack") showStatus(message.reason, "error");
    } else if (message.t === "joined") {
      showStatus("", "");
    } else if (message.t === "join_refused" || message.t === "refused") {
      showStatus(message.reason, "error");
    } else if (message.t === "full") {
      $("connection").textContent = message.reason;
      $("connection").className = "connection -lost";
    } else if (message.t === "notes") {
      download(message.name, message.text);
    }
  }

  function send(cmd, done) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      showStatus("Not connected: wait a moment, then try again.", "error");
      return;
    }
    const id = nextId++;
    if (done) pending.set(id, done);
    socket.send(JSON.stringify({ t: "cmd", id, cmd }));
  }

  function download(name, text) {
    const link = h("a", { href: URL.createObjectURL(new Blob([text], { type: "text/markdown" })) });
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    showStatus("Your browser is downloading the notes.", "ok");
  }

  // --- reading the view ------------------------------------------------------------
  const session = () => view.session;
  const person = (pid) => session().participants.find((p) => p.id === pid);
  const me = () => person(view.you);
  const nameOf = (pid) => (person(pid) || {}).name || "";
  const columnTitle = (key) => (session().columns.find((c) => c.key === key) || {}).title || key;
  const targets = () => [...new Set(session().cards.map((c) => c.topic || c.id))];
  const totals = () => {
    const out = {};
    for (const [, target] of session().votes) out[target] = (out[target] || 0) + 1;
    return out;
  };
  const targetTitle = (target) => {
    const topic = session().topics.find((t) => t.id === target);
    if (topic) return topic.title;
    const card = session().cards.find((c) => c.id === target);
    return card ? card.text : target;
  };
  const people = () => session().participants.filter((p) => view.online.includes(p.id));

  // --- rendering -------------------------------------------------------------------
  function render() {
    const s = session();
    $("retro-title").textContent = s.title;
    document.title = s.title + " · retro";
    renderPhases(s.phase);
    renderWho();
    const joined = Boolean(view.you) && me();
    $("join").hidden = Boolean(joined);
    roomSection().hidden = !joined;
    if (!joined) {
      $("join-heading").textContent = "Join “" + s.title + "”";
      $("board").replaceChildren();
      shownPhase = null;
      return;
    }
    const focused = document.activeElement;
    const focusKey = focused && focused.dataset.key;
    const caret = focused && typeof focused.selectionStart === "number" ? [focused.selectionStart, focused.selectionEnd] : null;
    if (s.phase !== shownPhase || view.you !== shownYou) {
      if (shownPhase !== null) {
        say("The retro moved on: " + PHASE_TITLE[s.phase] + ".");
        showStatus("", "");
      }
      editing = null;
      lastCounts = null;
      groupChoice.clear();
      titleDrafts.clear();
      shownPhase = s.phase;
      shownYou = view.you;
      buildPanel(s.phase);
    }
    updatePanel(s.phase);
    updateRoom();
    updateUndo();
    renderParking(s);
    if (focusKey) {
      const again = document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
      if (again && document.activeElement !== again) {
        again.focus();
        if (caret && typeof again.setSelectionRange === "function") again.setSelectionRange(...caret);
      }
    }
  }

  function renderPhases(phase) {
    // The health check and the Data step are listed only in retros that hold them.
    const shown = PHASES.filter(([key]) => (key !== "health" || session().health_step) && (key !== "data" || session().data_step));
    const items = shown.map(([key, title]) =>
      h(
        "li",
        { "aria-current": key === phase ? "step" : false, class: key === phase ? "-now" : "" },
        title,
        key === phase ? h("span", { class: "visually-hidden" }, " (now)") : null,
      ),
    );
    $("phases").replaceChildren(...items);
  }

  // The parking lot (issue 16): what the facilitator set aside, on every phase's page.
  function renderParking(s) {
    const items = s.parked || [];
    let section = $("parking");
    if (!items.length) {
      if (section) section.remove();
      return;
    }
    if (!section) {
      section = h("section", { id: "parking", "aria-labelledby": "parking-heading" },
        h("h2", { id: "parking-heading" }), h("ul", { id: "parking-list", class: "items" }));
      $("board").append(section);
    }
    $("parking-heading").textContent = "Parking lot (" + items.length + ")";
    $("parking-list").replaceChildren(...items.map((item) => h("li", {}, item.text || "…")));
  }

  function renderWho() {
    const mine = me();
    const here = people().length;
    $("who").textContent =
      (mine ? "You are " + mine.name + (mine.role === "facilitator" ? " (facilitator)" : "") + ". " : "") +
      here + (here === 1 ? " person" : " people") + " online.";
  }

  // Each phase: `build` makes the panel once (forms keep what is typed), `update` fills
  // its live parts on every view.
  const panels = {
    checkin: { build: buildCheckin, update: updateCheckin },
    review: { build: () => [h("h2", {}, "Review last retro's actions"), h("ul", { id: "review-list", class: "items" })], update: updateReview },
    health: { build: buildHealth, update: updateHealth },
    write: { build: buildWrite, update: updateWrite },
    data: { build: buildData, update: updateData },
    group: { build: buildGroup, update: updateRevealed },
    vote: { build: buildVote, update: updateVote },
    discuss: { build: buildDiscuss, update: updateDiscuss },
    actions: {
      build: () => [h("h2", {}, "Action items"), h("ul", { id: "action-list", class: "items" }), notesButton()],
      update: updateActions,
    },
    close: { build: buildClose, update: updateClose },
  };

  function buildPanel(phase) {
    const board = $("board");
    board.replaceChildren(...panels[phase].build(), facilitatorControls());
  }

  function updatePanel(phase) {
    panels[phase].update();
    const controls = $("facilitator");
    if (controls) controls.hidden = !(me() && me().role === "facilitator");
  }

  function button(label, key, onClick, attrs) {
    return h("button", { type: "button", "data-key": key, ...(attrs || {}), on: { click: onClick } }, label);
  }

  function facilitatorControls() {
    return h(
      "section",
      { id: "facilitator", "aria-labelledby": "facilitator-heading", hidden: true },
      h("h2", { id: "facilitator-heading" }, "Facilitator"),
      h(
        "div",
        { class: "row" },
        button("Previous phase", "prev-phase", () => send({ name: "previous_phase" })),
        button("Next phase", "next-phase", () => send({ name: "next_phase" })),
        button("Start the timer", "timer-start", () => send({ name: "timer_start" })),
        button("Pause the timer", "timer-pause", () => send({ name: "timer_pause" })),
      ),
    );
  }

  // check-in
  function buildCheckin() {
    const word = h("input", { id: "checkin-word", maxlength: 40, autocomplete: "off" });
    const moods = MOODS.map((label, i) =>
      h("label", { class: "choice" }, h("input", { type: "radio", name: "mood", value: i + 1 }), label),
    );
    const form = h(
      "form",
      { id: "checkin-form" },
      h("label", { for: "checkin-word" }, "One word for how you arrive"),
      word,
      h("fieldset", {}, h("legend", {}, "Your mood (optional)"), ...moods),
      h("button", { type: "submit" }, "Check in"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = form.querySelector("input[name=mood]:checked");
      send({ name: "check_in", word: word.value, mood: chosen ? Number(chosen.value) : null }, (answer) => {
        if (answer.t === "ack") showStatus("You checked in.", "ok");
      });
    });
    return [h("h2", {}, "Check-in"), h("p", { id: "icebreaker", class: "question" }), form, h("h3", {}, "Check-ins"), h("p", { id: "checkin-count" }), h("ul", { id: "checkins", class: "items" })];
  }

  function updateCheckin() {
    // The view holds only the check-ins this seat may read; others say "(checked in)".
    const everyone = session().participants;
    const answered = everyone.filter((p) => p.checkin_word || p.mood);
    const readable = answered.filter((p) => p.checkin_word !== CHECKED_IN);
    const said = (word, mood) => (word || "—") + (mood ? " · mood " + mood + " of 5" : "");
    // An anonymous retro: words and moods without names, in the hub's order (by word).
    const anonymous = session().settings.anonymous;
    const rows = anonymous
      ? (session().checkin_answers || []).map((a) => h("li", {}, said(a.word, a.mood)))
      : readable.map((p) => h("li", {}, h("strong", {}, p.id === view.you ? "You" : p.name), ": " + said(p.checkin_word, p.mood)));
    const own = anonymous && !rows.length ? readable.filter((p) => p.id === view.you) : [];
    if (own.length) rows.push(h("li", {}, h("strong", {}, "You"), ": " + said(own[0].checkin_word, own[0].mood)));
    $("icebreaker").textContent = session().icebreaker || "How do you arrive today?";
    $("checkin-count").textContent = answered.length + " of " + everyone.length + " checked in.";
    $("checkins").replaceChildren(...rows);
  }

  // health check (issue 16): one 1-5 choice per dimension, sent once; always anonymous
  function buildHealth() {
    const dims = session().health.dimensions;
    const groups = dims.map((dim) =>
      h(
        "fieldset",
        { class: "health-dim" },
        h("legend", {}, dim.title + (dim.prompt ? " — " + dim.prompt : "")),
        ...[1, 2, 3, 4, 5].map((n) =>
          h("label", { class: "choice" }, h("input", { type: "radio", name: "health-" + dim.key, value: n }), String(n)),
        ),
      ),
    );
    const form = h(
      "form",
      { id: "health-form" },
      h("p", {}, "1 = far from it, 5 = just right. Your ratings are anonymous: no one can see them, so they cannot be changed later."),
      ...groups,
      h("button", { type: "submit" }, "Send my ratings"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const scores = dims.map((dim) => {
        const chosen = form.querySelector(`input[name="health-${CSS.escape(dim.key)}"]:checked`);
        return chosen ? chosen.value : "";
      });
      if (scores.includes("")) {
        showStatus("Rate every line from 1 to 5 first.", "error");
        return;
      }
      send({ name: "rate_health", scores: scores.join(",") }, (answer) => {
        if (answer.t === "ack") showStatus("Your ratings are in.", "ok");
      });
    });
    return [h("h2", {}, "Health check"), h("p", { id: "health-count" }), form, h("h3", {}, "Results"), h("ul", { id: "health-results", class: "items" })];
  }

  function updateHealth() {
    const check = session().health;
    const rated = check.rated.includes(view.you);
    $("health-form").hidden = rated || check.revealed;
    $("health-count").textContent = check.rated.length + " of " + session().participants.length + " rated" + (rated ? "; you have rated." : ".");
    const rows = check.revealed
      ? check.dimensions.map((dim) => {
          const scores = check.scores[dim.key] || [];
          if (!scores.length) return h("li", {}, dim.title + ": no ratings");
          const average = scores.reduce((a, b) => a + b, 0) / scores.length;
          return h("li", {}, h("strong", {}, dim.title), ": average " + average.toFixed(1) + ", from " + Math.min(...scores) + " to " + Math.max(...scores) + " (" + scores.length + " ratings)");
        })
      : [h("li", {}, "Results show when everyone has rated, or when the facilitator shows them.")];
    $("health-results").replaceChildren(...rows);
  }

  function updateReview() {
    const rows = session().review.map((item) =>
      h("li", {}, item.action.text, h("span", { class: "meta" }, " · " + item.decision)),
    );
    for (const item of session().parked_before || []) {
      const state = item.settled ? "dealt with" : "parked last time";
      rows.push(h("li", {}, item.text, h("span", { class: "meta" }, " · " + state)));
    }
    $("review-list").replaceChildren(...(rows.length ? rows : [h("li", {}, "No open actions from the last retro.")]));
  }

  // write
  function buildWrite() {
    const columns = session().columns.map((column) => {
      const id = "new-" + column.key;
      const text = h("textarea", { id, rows: 3, maxlength: 500, "data-key": id });
      const form = h(
        "form",
        { class: "composer" },
        h("label", { for: id }, "New card for “" + column.title + "”"),
        column.prompt ? h("p", { class: "prompt", id: id + "-prompt" }, column.prompt) : null,
        text,
        h("button", { type: "submit", "data-key": id + "-add" }, "Add card"),
      );
      if (column.prompt) text.setAttribute("aria-describedby", id + "-prompt");
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (!text.value.trim()) return showStatus("Write something on the card first.", "error");
        const written = text.value;
        send({ name: "add_card", column: column.key, text: written }, (answer) => {
          if (answer.t === "ack") {
            if (text.value === written) text.value = "";
            say("Your card was added to " + column.title + ".");
          }
        });
      });
      return h(
        "section",
        { class: "column", "aria-labelledby": "col-" + column.key },
        h("h3", { id: "col-" + column.key }, column.title),
        form,
        h("ul", { class: "cards", id: "cards-" + column.key, "aria-label": "Your cards in " + column.title }),
        h("p", { class: "facedown", id: "facedown-" + column.key }),
      );
    });
    return [
      h("h2", {}, "Write your cards"),
      h("p", {}, "Only you can read your cards until the facilitator reveals them."),
      h("div", { class: "columns" }, ...columns),
      editForm(),
      h("div", { class: "row" }, h("p", { id: "done-count" }), h("button", { type: "button", id: "done", "data-key": "done", on: { click: toggleDone } }, "I'm done")),
    ];
  }

  function editForm() {
    const text = h("textarea", { id: "edit-text", rows: 3, maxlength: 500 });
    const form = h(
      "form",
      { id: "edit-form", hidden: true, "aria-labelledby": "edit-heading" },
      h("h3", { id: "edit-heading" }, "Edit your card"),
      h("label", { for: "edit-text" }, "Card text"),
      text,
      h("div", { class: "row" }, h("button", { type: "submit" }, "Save"), button("Cancel", "edit-cancel", () => stopEditing())),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const card = editing;
      send({ name: "edit_card", card, text: text.value }, (answer) => {
        if (answer.t === "ack") stopEditing(card);
      });
    });
    return form;
  }

  function startEditing(card) {
    editing = card.id;
    const form = $("edit-form");
    form.hidden = false;
    $("edit-text").value = card.text;
    $("edit-text").focus();
  }

  function stopEditing(card) {
    editing = null;
    $("edit-form").hidden = true;
    const back = document.querySelector(`[data-key="edit-${CSS.escape(card || "")}"]`);
    if (back) back.focus();
  }

  function toggleDone() {
    const done = session().phase === "vote" ? me().done_voting : me().done_writing;
    send({ name: "mark_done", done: !done });
  }

  function doneLine(field) {
    // Counted as the hub counts it for every board (domain/room_views.ready_count): the
    // people online, the facilitator among them, so every screen says the same.
    const here = people();
    const done = here.filter((p) => p[field]).length;
    $("done-count").textContent = done + " of " + here.length + " done.";
    const mine = me()[field];
    $("done").textContent = mine ? "I'm not done yet" : "I'm done";
    $("done").setAttribute("aria-pressed", mine ? "true" : "false");
  }

  function updateWrite() {
    const s = session();
    const counts = {};
    for (const column of s.columns) {
      const mine = s.cards.filter((c) => c.column === column.key && c.author === view.you);
      const others = s.cards.filter((c) => c.column === column.key && c.author !== view.you).length;
      counts[column.key] = others;
      const rows = mine.map((card) => h("li", { class: "card" }, h("p", { class: "text" }, card.text), ownCardTools(card)));
      $("cards-" + column.key).replaceChildren(...rows);
      $("facedown-" + column.key).textContent =
        others === 0 ? "No cards from others yet." : others + (others === 1 ? " face-down card" : " face-down cards") + " from others.";
    }
    if (lastCounts) {
      for (const [key, count] of Object.entries(counts)) {
        if (count > (lastCounts[key] || 0)) say("Someone added a card to " + columnTitle(key) + ".");
      }
    }
    lastCounts = counts;
    doneLine("done_writing");
  }

  // Edit, delete and move one's own card: in Write, and in Group as on the terminal board.
  function ownCardTools(card) {
    const short = card.text.slice(0, 60);
    return h(
      "div",
      { class: "row" },
      button("Edit", "edit-" + card.id, () => startEditing(card), { "aria-label": "Edit card: " + short }),
      button("Delete", "delete-" + card.id, () => send({ name: "delete_card", card: card.id }, (a) => a.t === "ack" && say("Card deleted. “Undo” brings it back.")), {
        "aria-label": "Delete card: " + short,
      }),
      ...session()
        .columns.filter((other) => other.key !== card.column)
        .map((other) =>
          button("Move to " + other.title, "move-" + card.id + "-" + other.key, () => send({ name: "move_card", card: card.id, column: other.key }), {
            "aria-label": "Move to " + other.title + ": " + short,
          }),
        ),
    );
  }

  function cardItem(card) {
    const author = card.author === view.you ? "you" : card.author ? nameOf(card.author) : "";
    return h("li", { class: "card" }, h("p", { class: "text" }, card.text), author ? h("p", { class: "meta" }, "by " + author) : null, problemMark(card.id));
  }

  // The known problem the facilitator linked a card or topic to, when this seat's view holds
  // the link (the hub keeps a face-down card's link from everyone else).
  function problemMark(target) {
    const s = session();
    const link = (s.problem_links || []).find(([linked]) => linked === target);
    const problem = link && (s.problems || []).find((p) => p.id === link[1]);
    return problem ? h("p", { class: "meta problem" }, "⚑ Known problem: " + problem.name) : null;
  }

  // group: every card revealed; grouping by buttons and lists, never by dragging alone
  function buildGroup() {
    return [
      h("h2", {}, "Group: every card is revealed"),
      h("p", { id: "group-help" }),
      h("div", { id: "revealed", class: "columns" }),
      editForm(),
    ];
  }

  const mayGroup = () => me().role === "facilitator" || session().settings.participants_may_group;
  const short = (text, n) => (text.length > n ? text.slice(0, n - 1) + "…" : text);

  // Every card or topic `item` can be grouped with: the topics and the lone cards but itself.
  function groupTargets(item) {
    const s = session();
    const several = s.columns.length > 1;
    const where = (key) => (several ? " (" + columnTitle(key) + ")" : "");
    return [
      ...s.topics.filter((t) => t.id !== item).map((t) => [t.id, "Topic: " + short(t.title, 60) + where(t.column)]),
      ...s.cards.filter((c) => !c.topic && c.id !== item).map((c) => [c.id, "Card: " + short(c.text, 60) + where(c.column)]),
    ];
  }

  function groupForm(item, title) {
    const id = "group-with-" + item;
    const choices = groupTargets(item);
    if (!choices.length) return null;
    const chosen = groupChoice.get(item) || "";
    const select = h(
      "select",
      { id, "data-key": id, on: { change: (event) => groupChoice.set(item, event.target.value) } },
      h("option", { value: "" }, "Choose a card or topic…"),
      ...choices.map(([value, label]) => h("option", { value, selected: value === chosen }, label)),
    );
    const form = h(
      "form",
      { class: "group-form" },
      h("label", { for: id }, "Group “" + short(title, 40) + "” with"),
      h("div", { class: "row" }, select, h("button", { type: "submit", "data-key": "group-" + item }, "Group")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const target = select.value;
      if (!target) return showStatus("Choose a card or topic to group it with first.", "error");
      send({ name: "merge", source: item, target }, (answer) => {
        if (answer.t !== "ack") return;
        groupChoice.delete(item);
        afterOwnChange();
        say("Grouped “" + short(title, 40) + "” with “" + short(targetTitle(target), 40) + "”. “Undo” takes it back.");
      });
    });
    return form;
  }

  function titleForm(topic) {
    const id = "title-" + topic.id;
    const input = h("input", {
      id,
      "data-key": id,
      maxlength: 120,
      autocomplete: "off",
      value: titleDrafts.has(topic.id) ? titleDrafts.get(topic.id) : topic.title,
      on: { input: (event) => titleDrafts.set(topic.id, event.target.value) },
    });
    const form = h(
      "form",
      { class: "title-form" },
      h("label", { for: id }, "Name this topic"),
      h("div", { class: "row" }, input, h("button", { type: "submit", "data-key": "retitle-" + topic.id }, "Rename")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.value.trim()) return showStatus("Type a name for the topic first.", "error");
      const title = input.value;
      send({ name: "title_topic", topic: topic.id, title }, (answer) => {
        if (answer.t !== "ack") return;
        titleDrafts.delete(topic.id);
        afterOwnChange();
        say("The topic is now called “" + short(title, 60) + "”.");
      });
    });
    return form;
  }

  function revealedCard(card, grouper) {
    const item = cardItem(card);
    item.append(reactionRow(card.id, card.text));
    if (card.author && card.author === view.you) item.append(ownCardTools(card));
    if (grouper && card.topic) {
      item.append(
        h(
          "div",
          { class: "row" },
          button("Take out of the topic", "takeout-" + card.id, () => send({ name: "unmerge", card: card.id }, (a) => a.t === "ack" && say("Card taken out of the topic. “Undo” puts it back.")), {
            "aria-label": "Take out of the topic: " + short(card.text, 60),
          }),
        ),
      );
    }
    if (grouper && !card.topic) {
      const form = groupForm(card.id, card.text);
      if (form) item.append(form);
    }
    return item;
  }

  // A list being chosen from or a name being composed is never rebuilt under the person: a
  // phone's picker would close, an input method's composition break. The step is drawn
  // again when the control is left, or at once after the person's own grouping or naming.
  let revealedStale = false;
  let composing = false; // an input method is composing text (Chinese, Japanese…)
  document.addEventListener("compositionstart", () => (composing = true));
  document.addEventListener("compositionend", () => (composing = false));
  let ownChangeComing = false; // the hub's ack may come before or after the view with it

  function afterOwnChange() {
    ownChangeComing = true;
    redrawRevealed();
  }

  function redrawRevealed() {
    if (!view || session().phase !== "group") return;
    const active = document.activeElement;
    const key = active && active.dataset.key;
    const caret = active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    updateRevealed(true);
    const again = key && document.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again && document.activeElement !== again) {
      again.focus();
      if (caret && typeof again.setSelectionRange === "function") again.setSelectionRange(...caret);
    }
  }

  function updateRevealed(now) {
    const active = document.activeElement;
    // A typed name survives a redraw (drafts, focus and caret are put back); a composition does not.
    const busy = active && (active.tagName === "SELECT" || (active.tagName === "INPUT" && composing)) && $("revealed").contains(active);
    if (ownChangeComing && !now) {
      ownChangeComing = false;
      return redrawRevealed();
    }
    if (busy && !now) {
      if (!revealedStale) {
        const later = () => window.setTimeout(() => revealedStale && !composing && redrawRevealed(), 0);
        active.addEventListener("blur", later, { once: true });
        active.addEventListener("compositionend", later, { once: true });
      }
      revealedStale = true;
      return;
    }
    revealedStale = false;
    const s = session();
    const grouper = mayGroup();
    $("group-help").textContent = grouper
      ? "Put cards that say the same thing together: choose what to group a card or topic with, then “Group”. Name a topic, or take a card out of it."
      : "The facilitator groups the cards into topics; you can still edit, move or delete your own.";
    const sections = s.columns.map((column) => {
      const topics = s.topics.filter((t) => t.column === column.key);
      const lone = s.cards.filter((c) => c.column === column.key && !c.topic);
      return h(
        "section",
        { class: "column", "aria-labelledby": "rev-" + column.key },
        h("h3", { id: "rev-" + column.key }, column.title),
        ...topics.map((topic) =>
          h(
            "section",
            { class: "topic", "aria-labelledby": "topic-" + topic.id },
            h("h4", { id: "topic-" + topic.id }, topic.title),
            problemMark(topic.id),
            reactionRow(topic.id, topic.title),
            grouper ? titleForm(topic) : null,
            grouper ? groupForm(topic.id, topic.title) : null,
            h("ul", { class: "cards", "aria-label": "Cards in " + short(topic.title, 60) }, ...s.cards.filter((c) => c.topic === topic.id).map((card) => revealedCard(card, grouper))),
          ),
        ),
        h("ul", { class: "cards" }, ...lone.map((card) => revealedCard(card, grouper))),
      );
    });
    $("revealed").replaceChildren(...sections);
  }

  // data (issue 14): the team's numbers and the readiness checklist, read-only
  function formatNumber(value) {
    // As domain/measures.py says it: at most two decimals, half away from zero, no noise.
    if (value === null || value === undefined) return "–";
    const rounded = (Math.sign(value) * Math.round(Math.abs(value) * 100 + 1e-7)) / 100;
    const text = rounded.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
    return text === "-0" ? "0" : text;
  }

  function formatChange(number) {
    if (number.value === null || number.previous === null) return "–";
    const change = number.value - number.previous;
    if (change === 0) return "±0";
    return (change > 0 ? "+" : "") + formatNumber(change);
  }

  function buildData() {
    // The change first after the value: on a phone the table scrolls sideways, and what
    // moved since the last retro is what the step is for.
    const head = ["Number", "Value", "Last retro", "Change", "Unit", "Period"];
    return [
      h("h2", {}, "Data: the team's numbers"),
      h("p", { id: "data-intro" }),
      // The heading stays outside the table: on a narrow phone the table scrolls sideways
      // in its own region, and a caption would scroll away with it.
      h("h3", { id: "numbers-heading" }, "This retro's numbers beside the last retro's"),
      h(
        "div",
        { id: "numbers-region", class: "table-scroll", role: "region", "aria-labelledby": "numbers-heading", tabindex: 0 },
        h(
          "table",
          { id: "numbers", "aria-labelledby": "numbers-heading" },
          h("thead", {}, h("tr", {}, ...head.map((title) => h("th", { scope: "col" }, title)))),
          h("tbody", { id: "numbers-body" }),
        ),
      ),
      h("h3", { id: "readiness-heading" }, "Readiness checklist"),
      h("p", { id: "readiness-count" }),
      h("ul", { id: "readiness-list", class: "items", "aria-labelledby": "readiness-heading" }),
    ];
  }

  const READY_SAID = { true: "yes, true before the work started", false: "no, not true before the work started", null: "not said yet" };

  function updateData() {
    const s = session();
    const numbers = s.numbers || [];
    const entered = numbers.filter((n) => n.value !== null).length;
    $("data-intro").textContent = numbers.length ? entered + " of " + numbers.length + " numbers entered for this retro." : "No numbers yet: the facilitator brings them.";
    $("numbers-region").hidden = !numbers.length;
    $("numbers-heading").hidden = !numbers.length;
    $("numbers-body").replaceChildren(
      ...numbers.map((n) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, n.name),
          h("td", { class: "num" }, formatNumber(n.value)),
          h("td", { class: "num" }, formatNumber(n.previous)),
          h("td", { class: "num" }, formatChange(n)),
          h("td", {}, n.unit || "–"),
          h("td", {}, n.period || "–"),
        ),
      ),
    );
    const checks = s.readiness || [];
    $("readiness-heading").hidden = !checks.length;
    $("readiness-count").hidden = !checks.length;
    $("readiness-count").textContent = checks.filter((c) => c.ready).length + " of " + checks.length + " checks true before the work started.";
    $("readiness-list").replaceChildren(
      ...checks.map((check) => h("li", {}, h("span", {}, check.text), h("span", { class: "meta" }, " · " + READY_SAID[String(check.ready)]))),
    );
  }

  // undo: one's own latest delete, merge or take-out of this phase, as on the terminal board
  function undoRow() {
    let row = $("undo-row");
    if (row) return row;
    row = h(
      "div",
      { id: "undo-row", class: "row", hidden: true },
      button("Undo", "undo", () => {
        const mine = ownUndoable();
        const what = mine.length ? mine[mine.length - 1].what : "";
        send({ name: "undo" }, (answer) => answer.t === "ack" && say("Undone: " + what.toLowerCase() + "."));
      }, { id: "undo" }),
    );
    $("board").before(row);
    return row;
  }

  const ownUndoable = () => (session().undoable || []).filter((record) => record.phase === session().phase);

  function updateUndo() {
    const mine = ownUndoable();
    const row = undoRow();
    row.hidden = !mine.length;
    if (mine.length) $("undo").textContent = "Undo: " + mine[mine.length - 1].what.toLowerCase();
  }

  // vote
  function buildVote() {
    return [
      h("h2", {}, "Vote"),
      h("p", { id: "budget", "aria-live": "polite" }),
      h("p", {}, "Totals stay hidden until the vote ends."),
      h("ul", { id: "targets", class: "items" }),
      h("div", { class: "row" }, h("p", { id: "done-count" }), h("button", { type: "button", id: "done", "data-key": "done", on: { click: toggleDone } }, "I'm done")),
    ];
  }

  function updateVote() {
    const s = session();
    const budget = s.settings.votes_per_person;
    const mine = s.votes.filter(([voter]) => voter === view.you);
    $("budget").textContent = "You have used " + mine.length + " of " + budget + " votes.";
    const rows = targets().map((target) => {
      const count = mine.filter(([, t]) => t === target).length;
      const title = targetTitle(target);
      return h(
        "li",
        { class: "target" },
        h("p", { class: "text" }, title),
        h("p", { class: "meta" }, "Your votes: " + count),
        reactionRow(target, title),
        h(
          "div",
          { class: "row" },
          button("Vote", "vote-" + target, () => send({ name: "vote", target }), { "aria-label": "Vote for: " + title.slice(0, 80) }),
          button("Take back", "unvote-" + target, () => send({ name: "unvote", target }), { disabled: count === 0, "aria-label": "Take back a vote from: " + title.slice(0, 80) }),
        ),
      );
    });
    $("targets").replaceChildren(...rows);
    doneLine("done_voting");
  }

  // discuss
  function buildDiscuss() {
    return [
      h("h2", {}, "Discuss"),
      h("section", { id: "current", "aria-labelledby": "current-heading", "aria-live": "polite" }),
      commentForm(),
      h("h3", {}, "Topics by votes"),
      h("ol", { id: "ranked", class: "items" }),
      h("h3", {}, "Action items"),
      h("ul", { id: "action-list", class: "items" }),
    ];
  }

  function updateDiscuss() {
    const s = session();
    const total = totals();
    const ranked = targets().sort((a, b) => (total[b] || 0) - (total[a] || 0));
    $("ranked").replaceChildren(
      ...ranked.map((target) =>
        h(
          "li",
          { class: target === s.current_topic ? "target -current" : "target", "aria-current": target === s.current_topic ? "true" : false },
          h("p", { class: "text" }, targetTitle(target)),
          h("p", { class: "meta" }, (total[target] || 0) + ((total[target] || 0) === 1 ? " vote" : " votes") + (target === s.current_topic ? " · being discussed" : "")),
          problemMark(target),
          reactionRow(target, targetTitle(target)),
          commentList(target),
        ),
      ),
    );
    const current = s.current_topic;
    const notes = current ? s.notes[current] || "" : "";
    $("current").replaceChildren(
      h("h3", { id: "current-heading" }, current ? "Now: " + targetTitle(current) : "No topic is being discussed yet."),
      current ? h("p", { class: "notes" }, notes || "No notes yet.") : null,
    );
    $("comment-form").hidden = !current;
    $("comment-label").textContent = current ? "Comment on “" + targetTitle(current) + "”" : "";
    updateActions();
  }

  function updateActions() {
    const rows = session().actions.map((action) => {
      const parts = [
        ["owner", "Owner: ", action.owner],
        ["due date", "Due: ", action.due],
        ["metric", "Metric: ", action.metric],
      ];
      const missing = parts.filter(([, , value]) => !value).map(([name]) => name);
      const smart = parts.filter(([, , value]) => value).map(([, label, value]) => label + value);
      return h(
        "li",
        {},
        h("p", { class: "text" }, action.text),
        smart.length ? h("p", { class: "meta" }, smart.join(" · ")) : null,
        missing.length ? h("p", { class: "flag" }, "Not SMART: no " + missing.join(", ")) : null,
      );
    });
    $("action-list").replaceChildren(...(rows.length ? rows : [h("li", {}, "No action items yet.")]));
  }

  // close
  function buildClose() {
    const choices = ROTI.map((label, i) =>
      h("label", { class: "choice" }, h("input", { type: "radio", name: "roti", value: i + 1 }), label),
    );
    const form = h(
      "form",
      { id: "roti-form" },
      h("fieldset", {}, h("legend", {}, "Was this retro worth your time? (1 to 5)"), ...choices),
      h("button", { type: "submit" }, "Rate"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = form.querySelector("input[name=roti]:checked");
      if (!chosen) return showStatus("Pick a number from 1 to 5 first.", "error");
      send({ name: "roti", score: Number(chosen.value) }, (answer) => answer.t === "ack" && showStatus("Thank you for rating the retro.", "ok"));
    });
    return [
      h("h2", {}, "Close"),
      form,
      h("p", { id: "roti-summary" }),
      h("h3", {}, "Action items"),
      h("ul", { id: "action-list", class: "items" }),
      notesButton(),
    ];
  }

  function notesButton() {
    return button("Download the notes", "notes", () => socket && socket.send(JSON.stringify({ t: "notes" })));
  }

  function updateClose() {
    const scores = Object.values(session().roti);
    const average = scores.length ? (scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(1) : null;
    $("roti-summary").textContent = average ? scores.length + " rated · average " + average + " of 5" : "Nobody has rated yet.";
    updateActions();
  }

  // --- the live room: hands, the ready check, reactions, comments ------------------------
  // Counts only: the hub sends who raised a hand to the facilitator of a named retro, and
  // who reacted to nobody; a comment of an anonymous retro carries no author.
  const REACTIONS = [
    ["agree", "✓"],
    ["love", "♥"],
    ["idea", "✦"],
    ["question", "?"],
  ];

  function roomSection() {
    let room = $("room");
    if (room) return room;
    room = h(
      "section",
      { id: "room", "aria-label": "Hands and readiness", hidden: true },
      h(
        "div",
        { class: "row" },
        h("p", { id: "hands-count", "aria-live": "polite" }),
        button("Raise my hand", "hand", toggleHand, { id: "hand", "aria-pressed": "false" }),
      ),
      h("p", { id: "ready-request", class: "request", role: "status" }),
      h(
        "div",
        { class: "row", id: "ready-row" },
        h("p", { id: "ready-count", "aria-live": "polite" }),
        button("I'm ready", "ready", toggleReady, { id: "ready", "aria-pressed": "false" }),
      ),
      h(
        "div",
        { id: "room-facilitator", hidden: true },
        h("h3", { id: "queue-heading" }, "Hands up, in order"),
        h("ol", { id: "hand-queue", class: "items", "aria-labelledby": "queue-heading" }),
        h(
          "div",
          { class: "row" },
          button("Lower all hands", "lower-all", () => send({ name: "lower_all_hands" }), { id: "lower-all" }),
          button("Ask everyone to confirm", "ask-ready", toggleAsk, { id: "ask-ready" }),
        ),
      ),
    );
    $("board").before(room);
    return room;
  }

  const myHand = () => (session().hands || []).find((hand) => hand.participant === view.you);

  function toggleHand() {
    const up = !myHand();
    send({ name: "raise_hand", raised: up }, (answer) => answer.t === "ack" && say(up ? "Your hand is up." : "Your hand is down."));
  }

  function readyCheck() {
    const s = session();
    const check = s.ready || {};
    const topic = s.phase === "discuss" ? s.current_topic : null;
    return check.phase === s.phase && (check.topic || null) === (topic || null) ? check : { people: [], requested: false };
  }

  function isReady(p) {
    const phase = session().phase;
    if (phase === "write") return p.done_writing;
    if (phase === "vote") return p.done_voting;
    return readyCheck().people.includes(p.id);
  }

  function toggleReady() {
    send({ name: "set_ready", ready: !isReady(me()) });
  }

  function toggleAsk() {
    send({ name: "ask_ready", ask: !readyCheck().requested });
  }

  function updateRoom() {
    const s = session();
    if (!me()) return;
    const hands = s.hands || [];
    $("hands-count").textContent = hands.length === 0 ? "No hands up." : hands.length === 1 ? "1 hand up." : hands.length + " hands up.";
    const up = Boolean(myHand());
    $("hand").textContent = up ? "Lower my hand" : "Raise my hand";
    $("hand").setAttribute("aria-pressed", up ? "true" : "false");
    const check = readyCheck();
    $("ready-request").textContent = check.requested ? "The facilitator asks everyone: are you ready? Say so with “I'm ready”." : "";
    $("ready-request").hidden = !check.requested;
    // Write and vote show their own "done" line; every other phase the ready check.
    const own = s.phase === "write" || s.phase === "vote";
    $("ready-row").hidden = own;
    const here = people();
    $("ready-count").textContent = here.filter(isReady).length + " of " + here.length + " ready.";
    const ready = isReady(me());
    $("ready").textContent = ready ? "I'm not ready yet" : "I'm ready";
    $("ready").setAttribute("aria-pressed", ready ? "true" : "false");
    const chair = me().role === "facilitator";
    $("room-facilitator").hidden = !chair;
    if (!chair) return;
    $("ask-ready").textContent = check.requested ? "Reset the ready check" : "Ask everyone to confirm";
    $("lower-all").disabled = hands.length === 0;
    $("hand-queue").replaceChildren(
      ...hands.map((hand, i) => {
        const who = hand.participant ? nameOf(hand.participant) : "";
        const label = who ? who + (hand.raised_at ? " · since " + new Date(hand.raised_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "") : "Hand " + (i + 1);
        return h(
          "li",
          {},
          label + " ",
          button("Lower", "lower-" + hand.id, () => send({ name: "lower_hand", hand: hand.id }), { "aria-label": "Lower " + (who ? who + "'s hand" : "hand " + (i + 1)) }),
        );
      }),
    );
  }

  function reactionRow(target, title) {
    const counts = {};
    for (const [t, kind] of session().reactions || []) if (t === target) counts[kind] = (counts[kind] || 0) + 1;
    return h(
      "div",
      { class: "row reactions", role: "group", "aria-label": "Reactions to: " + title.slice(0, 80) },
      ...REACTIONS.map(([kind, symbol]) =>
        button(symbol + " " + kind + " " + (counts[kind] || 0), "react-" + target + "-" + kind, () => send({ name: "react", target, kind }), {
          "aria-label": kind + ", " + (counts[kind] || 0) + " so far. React or take yours back",
        }),
      ),
    );
  }

  function commentList(target) {
    const said = (session().comments || []).filter((comment) => comment.target === target);
    if (!said.length) return null;
    return h(
      "ul",
      { class: "comments", "aria-label": "Comments" },
      ...said.map((comment) => h("li", {}, comment.text, comment.author ? h("span", { class: "meta" }, " — " + (comment.author === view.you ? "you" : nameOf(comment.author))) : null)),
    );
  }

  function commentForm() {
    const text = h("input", { id: "comment-text", maxlength: 280, autocomplete: "off", "data-key": "comment-text" });
    const form = h(
      "form",
      { id: "comment-form", hidden: true },
      h("label", { for: "comment-text", id: "comment-label" }),
      text,
      h("button", { type: "submit", "data-key": "comment-add" }, "Add comment"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const target = session().current_topic;
      if (!target) return;
      if (!text.value.trim()) return showStatus("Write a comment first.", "error");
      const written = text.value;
      send({ name: "add_comment", target, text: written }, (answer) => {
        if (answer.t === "ack") {
          if (text.value === written) text.value = "";
          say("Your comment was added.");
        }
      });
    });
    return form;
  }

  // --- the timer counts down locally from the stored deadline -------------------------
  function tick() {
    const timerLine = $("timer");
    if (!view || !view.session.timer.duration) {
      timerLine.hidden = true;
      return;
    }
    const timer = view.session.timer;
    const left = timer.deadline ? Math.max(0, (Date.parse(timer.deadline) - Date.now()) / 1000) : timer.remaining;
    const whole = Math.ceil(left);
    timerLine.hidden = false;
    timerLine.textContent = "Time left: " + Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0") + (timer.deadline ? "" : whole >= timer.duration ? " (not started)" : " (paused)");
    const mark = timer.deadline && whole <= 0 ? "up" : timer.deadline && whole <= 60 ? "minute" : "";
    if (mark && mark !== warned) say(mark === "up" ? "Time is up." : "One minute left.", true);
    warned = mark;
  }

  // --- start -------------------------------------------------------------------------
  $("join-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ t: "join", name: $("join-name").value }));
    }
  });
  window.setInterval(tick, 1000);
  connect();
})();
