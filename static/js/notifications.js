// Live in-app notifications: one socket per tab on /ws/notifications/ (session cookie), the menu
// badge and, on the notifications page, the list updated without a reload. Text is inserted with
// textContent only (never as HTML). Also: web push subscription and Telegram linking buttons.
(() => {
  "use strict";

  const badge = () => document.getElementById("notifications-badge");

  function setUnread(count) {
    const el = badge();
    if (!el) return;
    el.textContent = String(count);
    el.classList.toggle("hidden", !count);
  }

  function upsert(data) {
    const list = document.getElementById("notification-list");
    if (!list) return;
    list.querySelectorAll(".notification.empty").forEach((n) => n.remove());
    let item = list.querySelector(`[data-id="${Number(data.id)}"]`);
    if (item) item.remove();
    item = document.createElement("li");
    item.className = "notification unread";
    item.dataset.id = String(Number(data.id));
    const text = document.createElement("span");
    text.className = "notification-text";
    text.textContent = data.text;
    const time = document.createElement("time");
    time.dateTime = data.created;
    time.textContent = new Date(data.created).toLocaleTimeString();
    item.append(text, time);
    list.prepend(item);
  }

  function connect(path, attempt) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}${path}`);
    let ping;
    socket.addEventListener("open", () => {
      attempt = 0;
      document.documentElement.dataset.notificationsSocket = "open";
      ping = window.setInterval(() => socket.send(JSON.stringify({ type: "ping" })), 25000);
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      const data = frame.data || {};
      if (frame.type === "notification.created" || frame.type === "notification.updated") {
        upsert(data);
        setUnread(data.unread_count);
      } else if (frame.type === "notifications.read") {
        setUnread(data.unread_count);
      }
    });
    socket.addEventListener("close", (event) => {
      window.clearInterval(ping);
      document.documentElement.dataset.notificationsSocket = "closed";
      if (event.code === 4401) return; // signed out: do not retry
      const delay = Math.min(30000, 1000 * 2 ** Math.min(attempt, 5));
      window.setTimeout(() => connect(path, attempt + 1), delay);
    });
  }

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function keyBytes(base64url) {
    const padded = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function enablePush(button) {
    const status = document.getElementById("push-status");
    try {
      const registration = await navigator.serviceWorker.register(button.dataset.sw);
      const permission = await Notification.requestPermission();
      if (permission !== "granted") { status.textContent = "✗"; return; }
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(button.dataset.vapidKey),
      });
      const response = await fetch(button.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(subscription.toJSON()),
      });
      status.textContent = response.ok ? "✓" : "✗";
    } catch (e) {
      status.textContent = "✗";
    }
  }

  async function linkTelegram(button) {
    const status = document.getElementById("telegram-status");
    const response = await fetch(button.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() },
    });
    if (!response.ok) { status.textContent = "✗"; return; }
    const body = await response.json();
    window.open(body.url, "_blank", "noopener");
  }

  document.addEventListener("DOMContentLoaded", () => {
    const link = document.querySelector("[data-notifications-ws]");
    if (link && "WebSocket" in window) connect(link.dataset.notificationsWs, 0);
    const push = document.getElementById("push-enable");
    if (push && "serviceWorker" in navigator && "PushManager" in window) {
      push.addEventListener("click", () => enablePush(push));
    } else if (push) {
      push.disabled = true;
    }
    const telegram = document.getElementById("telegram-link");
    if (telegram) telegram.addEventListener("click", () => linkTelegram(telegram));
  });
})();
