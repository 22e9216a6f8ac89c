// Group chat and direct messages on /ws/chat/<id>/ (session cookie). Text is inserted with
// textContent only, never as HTML. Reconnects with exponential backoff and jitter and resumes
// from the last message id it saw (?after=) and its last sync (&since=, the server's synced_at:
// edits and deletions made meanwhile come back too); messages not yet acknowledged are sent
// again with the same client id, which the server stores once. Protocol: docs/websockets.md.
(() => {
  "use strict";

  function backoff(attempt) {
    const ceiling = Math.min(30000, 500 * 2 ** Math.min(attempt, 6));
    return ceiling / 2 + Math.random() * (ceiling / 2); // "equal jitter"
  }

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }

  function start(root) {
    const log = document.getElementById("chat-log");
    const form = document.getElementById("chat-form");
    const input = document.getElementById("chat-input");
    const errorBox = document.getElementById("chat-error");
    const status = document.getElementById("chat-status");
    const label = (name) => root.dataset[name] || "";
    const me = Number(root.dataset.me);
    const admin = root.dataset.admin === "1";
    let lastId = Number(root.dataset.lastId) || 0;
    let syncedAt = root.dataset.syncedAt || ""; // server time of the page's or last resume's read
    let socket = null;
    let attempt = 0;
    let stopped = false;
    const outbox = new Map(); // client id -> body, until acknowledged

    function send(frame) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    }

    function render(item, data) {
      item.replaceChildren();
      item.className = "chat-message" + (data.deleted ? " deleted" : "");
      item.dataset.id = String(Number(data.id));
      item.dataset.sender = String(Number(data.sender.id));
      const who = document.createElement("strong");
      who.className = "chat-sender";
      who.textContent = data.sender.name;
      const body = document.createElement("span");
      body.className = "chat-body";
      body.textContent = data.deleted ? label("labelDeleted") : data.body;
      const time = document.createElement("time");
      time.className = "muted";
      time.dateTime = data.created;
      time.textContent = new Date(data.created).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      item.append(who, " ", body, " ", time);
      if (data.edited && !data.deleted) {
        const edited = document.createElement("span");
        edited.className = "muted chat-edited";
        edited.textContent = ` (${label("labelEdited")})`;
        item.append(edited);
      }
      if (!data.deleted && (data.sender.id === me || admin)) {
        if (data.sender.id === me) {
          const edit = document.createElement("button");
          edit.type = "button";
          edit.className = "link chat-edit";
          edit.textContent = label("labelEdit");
          edit.addEventListener("click", () => {
            const text = window.prompt(label("labelPrompt"), data.body);
            if (text && text.trim()) send({ type: "message.edit", id: data.id, body: text });
          });
          item.append(" ", edit);
        }
        const del = document.createElement("button");
        del.type = "button";
        del.className = "link chat-delete";
        del.textContent = label("labelDelete");
        del.addEventListener("click", () => send({ type: "message.delete", id: data.id }));
        item.append(" ", del);
      }
    }

    function upsert(data) {
      log.querySelectorAll(".chat-empty").forEach((n) => n.remove());
      let item = log.querySelector(`[data-id="${Number(data.id)}"]`);
      const isNew = !item;
      if (isNew) item = document.createElement("li");
      render(item, data);
      if (isNew) {
        log.append(item);
        item.scrollIntoView({ block: "end" });
      }
      if (data.id > lastId) {
        lastId = data.id;
        if (document.visibilityState === "visible") send({ type: "read", last_id: lastId });
      }
    }

    function applyEdit(data) {
      // An edit or deletion replayed on resume: only for messages shown here (older ones are
      // not on the page and must not be appended out of order).
      const item = log.querySelector(`[data-id="${Number(data.id)}"]`);
      if (item) render(item, data);
    }

    function connect() {
      const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      const since = syncedAt ? `&since=${encodeURIComponent(syncedAt)}` : "";
      socket = new WebSocket(`${scheme}//${window.location.host}${root.dataset.socket}?after=${lastId}${since}`);
      let ping;
      socket.addEventListener("open", () => {
        attempt = 0;
        status.textContent = "";
        root.dataset.socket_state = "open";
        document.documentElement.dataset.chatSocket = "open";
        ping = window.setInterval(() => send({ type: "ping" }), 25000);
        for (const [clientId, body] of outbox) send({ type: "message.send", client_id: clientId, body });
        send({ type: "read", last_id: lastId });
      });
      socket.addEventListener("message", (event) => {
        let frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        const data = frame.data || {};
        if (frame.type === "message.created" || frame.type === "message.edited" || frame.type === "message.deleted") {
          upsert(data);
        } else if (frame.type === "resume") {
          (data.edits || []).forEach(applyEdit);
          (data.messages || []).forEach(upsert);
          if (data.synced_at) syncedAt = data.synced_at;
        } else if (frame.type === "ack") {
          outbox.delete(data.client_id);
        } else if (frame.type === "error") {
          if (data.client_id) outbox.delete(data.client_id);
          errorBox.textContent = data.message;
        } else if (frame.type === "removed") {
          stopped = true;
          status.textContent = label("labelRemoved");
        }
      });
      socket.addEventListener("close", (event) => {
        window.clearInterval(ping);
        document.documentElement.dataset.chatSocket = "closed";
        if (stopped || [4401, 4403, 4404].includes(event.code)) {
          status.textContent = label("labelRemoved");
          form.querySelector("button").disabled = true;
          return;
        }
        status.textContent = label("labelOffline");
        window.setTimeout(connect, backoff(attempt++));
      });
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = input.value.trim();
      if (!body) return;
      errorBox.textContent = "";
      const clientId = newClientId();
      outbox.set(clientId, body);
      send({ type: "message.send", client_id: clientId, body });
      input.value = "";
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    connect();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("chat");
    if (root) start(root);
  });
})();
