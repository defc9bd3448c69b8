// The chat client: one per element with [data-chat] (the young person's page has one, the
// counsellor's console one per open chat). It speaks the protocol in docs/chat-protocol.md.
//
// Nothing typed is lost: the text being written is kept in sessionStorage as it is typed,
// and a sent message stays in an outbox until the server acknowledges it (after commit).
// After a dropped connection the client says hello with the last number it has, gets what it
// missed, and sends the outbox again; the server never stores a retry twice.
(function () {
  "use strict";
  if (!("WebSocket" in window)) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var PING_MS = 25000;
  var TYPING_MS = 3000;     // at most one "typing" frame this often
  var TYPING_SHOWN_MS = 4000;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function load(key, fallback) {
    try { return JSON.parse(window.sessionStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }

  function save(key, value) {
    try { window.sessionStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: memory only */ }
  }

  function Chat(root) {
    this.root = root;
    this.id = root.getAttribute("data-chat");
    this.text = function (name) { return root.getAttribute("data-text-" + name) || ""; };
    this.log = root.querySelector("[data-chat-log]");
    this.pending = root.querySelector("[data-chat-pending]");
    this.form = root.querySelector("[data-chat-form]");
    this.input = this.form ? this.form.querySelector("textarea") : null;
    this.errors = root.querySelector("[data-chat-errors]");
    this.connection = root.querySelector("[data-chat-connection]");
    this.typing = root.querySelector("[data-chat-typing]");
    this.outboxKey = "helle.chat." + this.id + ".outbox";
    this.draftKey = "helle.chat." + this.id + ".draft";
    this.outbox = load(this.outboxKey, []);
    this.lastSeq = 0;
    this.delay = 1000;
    this.lastTyping = 0;
    this.ready = false;
    this.stopped = false;
    this.restoreDraft();
    this.showPending();
    this.bind();
    this.connect();
  }

  Chat.prototype.restoreDraft = function () {
    if (this.input && !this.input.value) { this.input.value = load(this.draftKey, ""); }
  };

  Chat.prototype.bind = function () {
    var chat = this;
    if (!this.form) { return; }
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      chat.submit();
    });
    this.input.addEventListener("input", function () {
      save(chat.draftKey, chat.input.value);
      var now = Date.now();
      if (now - chat.lastTyping > TYPING_MS) {
        chat.lastTyping = now;
        chat.frame({ type: "typing" });
      }
    });
    // Enter sends, Shift+Enter makes a new line (as in every chat the young know).
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        chat.submit();
      }
    });
  };

  Chat.prototype.submit = function () {
    var body = this.input.value;
    if (!body.trim()) {
      this.showErrors([this.text("empty")]);
      return;
    }
    this.showErrors([]);
    var item = { client_msg_id: newId(), body: body };
    this.outbox.push(item);
    save(this.outboxKey, this.outbox);
    this.input.value = "";
    save(this.draftKey, "");
    this.showPending();
    if (this.ready) { this.frame({ type: "send", client_msg_id: item.client_msg_id, body: body }); }
  };

  Chat.prototype.frame = function (data) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(data));
      return true;
    }
    return false;
  };

  Chat.prototype.connect = function () {
    var chat = this;
    var socket = new WebSocket(scheme + window.location.host + "/ws/chat/" + this.id + "/");
    this.socket = socket;
    socket.onopen = function () {
      chat.delay = 1000;
      socket.send(JSON.stringify({ type: "hello", after: chat.lastSeq }));
    };
    socket.onmessage = function (event) { chat.receive(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      chat.ready = false;
      window.clearInterval(chat.pinger);
      if (event.code === 4404 || chat.stopped) {
        chat.setConnection(event.code === 4404 ? chat.text("gone") : "");
        return;
      }
      chat.setConnection(chat.text("reconnecting"));
      window.setTimeout(function () { chat.connect(); }, chat.delay);
      chat.delay = Math.min(chat.delay * 2, 15000);
    };
  };

  Chat.prototype.receive = function (frame) {
    if (frame.type === "message") { this.showMessage(frame); }
    else if (frame.type === "ready") { this.onReady(); }
    else if (frame.type === "ack") { this.forget(frame.client_msg_id); }
    else if (frame.type === "refused") { this.giveBack(frame); }
    else if (frame.type === "typing") { this.showTyping(); }
    else if (frame.type === "read") { this.markRead(frame.seq); }
    else if (frame.type === "state") { this.onState(frame.state); }
    else if (frame.type === "note") { this.refreshNotes(); }
    else if (frame.type === "room") { this.showRoom(frame); }
  };

  Chat.prototype.onReady = function () {
    var chat = this;
    this.ready = true;
    this.setConnection("");
    this.refreshNotes();  // whatever was written while the connection was down
    this.outbox.forEach(function (item) {
      chat.frame({ type: "send", client_msg_id: item.client_msg_id, body: item.body });
    });
    this.pinger = window.setInterval(function () { chat.frame({ type: "ping" }); }, PING_MS);
  };

  Chat.prototype.showMessage = function (frame) {
    if (frame.seq <= this.lastSeq) { return; }
    this.lastSeq = frame.seq;
    var empty = this.log.querySelector("[data-chat-empty]");
    if (empty) { empty.remove(); }
    var item = document.createElement("li");
    item.className = "chat-message chat-message--" + (frame.mine ? "mine" : frame.from);
    item.setAttribute("data-seq", String(frame.seq));
    var who = document.createElement("span");
    // In a group chat the writer's nickname shows; in a 1:1 chat, only for screen readers.
    who.className = frame.author ? "chat-message__who" : "chat-message__who visually-hidden";
    who.textContent = frame.mine ? this.text("you") : (frame.author || this.text(frame.from));
    var body = document.createElement("p");
    body.className = "chat-message__body";
    if (frame.held && frame.body === undefined) {
      body.textContent = this.text("held-other");
      item.classList.add("chat-message--held");
    } else {
      body.textContent = frame.body;  // textContent: never HTML
      if (frame.held) {
        var note = document.createElement("span");
        note.className = "chat-message__note";
        note.textContent = this.text("held-mine");
        body.appendChild(note);
      }
    }
    if (frame.crisis) { item.classList.add("chat-message--crisis"); }
    var time = document.createElement("time");
    time.dateTime = frame.at;
    time.className = "chat-message__time";
    time.textContent = new Date(frame.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    item.append(who, body, time);
    if (frame.id && !frame.mine && this.text("report")) {  // group chats: report someone else's message
      var report = document.createElement("a");
      report.href = "/report/chat.message/" + frame.id + "/";
      report.className = "chat-message__report";
      report.textContent = this.text("report");
      item.appendChild(report);
    }
    this.log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    if (!frame.mine && document.visibilityState === "visible") {
      this.frame({ type: "read", seq: frame.seq });
    }
  };

  Chat.prototype.forget = function (clientId) {
    this.outbox = this.outbox.filter(function (item) { return item.client_msg_id !== clientId; });
    save(this.outboxKey, this.outbox);
    this.showPending();
  };

  // Refused (too long, contact details where they are not allowed, ...): the words come back
  // into the box, in front of anything typed since, with the reasons beside them.
  Chat.prototype.giveBack = function (frame) {
    var refused = this.outbox.filter(function (item) { return item.client_msg_id === frame.client_msg_id; })[0];
    this.forget(frame.client_msg_id);
    if (refused && this.input) {
      this.input.value = refused.body + (this.input.value ? "\n" + this.input.value : "");
      save(this.draftKey, this.input.value);
      this.input.focus();
    }
    this.showErrors(frame.reasons || []);
  };

  Chat.prototype.showPending = function () {
    if (!this.pending) { return; }
    var chat = this;
    this.pending.replaceChildren();
    this.outbox.forEach(function (item) {
      var line = document.createElement("li");
      line.className = "chat-message chat-message--mine chat-message--pending";
      var body = document.createElement("p");
      body.className = "chat-message__body";
      body.textContent = item.body;
      var note = document.createElement("span");
      note.className = "chat-message__note";
      note.textContent = chat.text("sending");
      line.append(body, note);
      chat.pending.appendChild(line);
    });
  };

  Chat.prototype.showErrors = function (reasons) {
    if (!this.errors) { return; }
    this.errors.replaceChildren();
    var chat = this;
    reasons.forEach(function (reason) {
      var item = document.createElement("li");
      item.textContent = reason;
      chat.errors.appendChild(item);
    });
    this.errors.hidden = reasons.length === 0;
    if (this.input) { this.input.setAttribute("aria-invalid", reasons.length ? "true" : "false"); }
  };

  Chat.prototype.showTyping = function () {
    if (!this.typing) { return; }
    var typing = this.typing;
    typing.textContent = this.text("typing");
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(function () { typing.textContent = ""; }, TYPING_SHOWN_MS);
  };

  Chat.prototype.markRead = function (seq) {
    var chat = this;
    this.log.querySelectorAll(".chat-message--mine").forEach(function (item) {
      if (Number(item.getAttribute("data-seq")) <= seq && !item.querySelector(".chat-message__read")) {
        var mark = document.createElement("span");
        mark.className = "chat-message__read";
        mark.textContent = chat.text("read");
        item.appendChild(mark);
      }
    });
  };

  // Staff notes, whispers and transfers are drawn by the server; the frame only says "again".
  Chat.prototype.refreshNotes = function () {
    var notes = document.querySelector("[data-chat-notes='" + this.id + "']");
    if (notes && window.htmx) { window.htmx.trigger(notes, "chat-note"); }
  };

  // A group chat's host paused it or set slow mode: say so above the message box.
  Chat.prototype.showRoom = function (frame) {
    var line = this.root.querySelector("[data-room-state]");
    if (!line) { return; }
    var parts = [];
    if (frame.paused) { parts.push(this.text("paused")); }
    if (frame.slow_mode_seconds) { parts.push(this.text("slow").replace("{seconds}", frame.slow_mode_seconds)); }
    line.textContent = parts.join(" ");
  };

  Chat.prototype.onState = function (state) {
    this.root.setAttribute("data-state", state);
    this.root.dispatchEvent(new CustomEvent("chat:state", { bubbles: true, detail: { state: state } }));
    if (state === "ended") {
      this.stopped = true;
      if (this.form) {
        this.form.querySelectorAll("textarea, button").forEach(function (el) { el.disabled = true; });
      }
      this.setConnection(this.text("ended"));
    }
  };

  Chat.prototype.setConnection = function (text) {
    if (this.connection) { this.connection.textContent = text; }
  };

  function start() {
    document.querySelectorAll("[data-chat]").forEach(function (root) {
      if (!root.chatClient) { root.chatClient = new Chat(root); }
    });
  }

  // A page whose status region changes (taken, ended) asks htmx to draw it again.
  document.addEventListener("chat:state", function (event) {
    var status = document.querySelector("[data-chat-status]");
    if (status && window.htmx) { window.htmx.trigger(status, "chat-state"); }
    if (event.detail.state === "ended") {
      var after = document.querySelector("[data-chat-after-end]");
      if (after) { after.hidden = false; }
    }
  });
  // "Write a letter instead": what is in the message box goes along, and is then let go here.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-carry-draft]")) { return; }
    var chat = document.querySelector("[data-chat]");
    var box = chat && chat.querySelector("textarea");
    if (box && box.value.trim()) {
      var carried = form.querySelector("input[name='text']");
      carried.value = carried.value ? carried.value + "\n\n" + box.value : box.value;
      window.sessionStorage.removeItem("helle.chat." + chat.getAttribute("data-chat") + ".draft");
    }
  });
  // A saved reply goes into the message box of its chat, to be read and changed before sending.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("[data-saved-replies]") || !select.value) { return; }
    var root = document.querySelector("[data-chat='" + select.getAttribute("data-saved-replies") + "']");
    var box = root && root.querySelector("textarea");
    if (box) {
      box.value = box.value ? box.value + " " + select.value : select.value;
      box.dispatchEvent(new Event("input"));
      box.focus();
    }
    select.value = "";
  });
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:load", start);
}());
