// Live-run viewer on /ws/live/<id>/ (members, session cookie) or /ws/live/share/<token>/ (a
// safety contact). One snapshot per tick moves the runners on an SVG map: positions are
// projected into the view box as apps/training/charts.py does on the server (equirectangular,
// longitude scaled by cos(latitude), fitted with padding); the table shows rank, distance, pace
// and heart rate (when shared). Text goes in with textContent only.
// Reconnects with exponential backoff and jitter. Protocol: docs/websockets.md.
(() => {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 600;
  const HEIGHT = 360;
  const PAD = 16;

  function backoff(attempt) {
    const ceiling = Math.min(30000, 500 * 2 ** Math.min(attempt, 6));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  function project(points) {
    const lats = points.map((p) => p[0]);
    const lngs = points.map((p) => p[1]);
    const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
    const k = Math.cos((midLat * Math.PI) / 180);
    const xs = lngs.map((v) => v * k);
    const minX = Math.min(...xs), maxX = Math.max(...xs);
    const minY = Math.min(...lats), maxY = Math.max(...lats);
    const span = Math.max(maxX - minX, maxY - minY, 1e-4);
    const scale = Math.min((WIDTH - 2 * PAD) / span, (HEIGHT - 2 * PAD) / span);
    const offX = (WIDTH - (maxX - minX) * scale) / 2;
    const offY = (HEIGHT - (maxY - minY) * scale) / 2;
    return ([lat, lng]) => [offX + (lng * k - minX) * scale, HEIGHT - (offY + (lat - minY) * scale)];
  }

  function pace(seconds) {
    if (!seconds) return "–";
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds % 60);
    return `${m}:${String(s).padStart(2, "0")}`;
  }

  function start(root) {
    const map = document.getElementById("live-map");
    const table = document.getElementById("live-runners");
    const status = document.getElementById("live-status");
    const label = (name) => root.dataset[name] || "";
    const trails = new Map(); // runner id -> [[lat, lng], ...]
    let attempt = 0;
    let over = root.dataset.ended === "1";

    function draw(snapshot) {
      for (const r of snapshot.runners) {
        if (!r.position) continue;
        const trail = trails.get(r.id) || [];
        const last = trail[trail.length - 1];
        if (!last || last[0] !== r.position[0] || last[1] !== r.position[1]) trail.push(r.position);
        trails.set(r.id, trail.slice(-600));
      }
      map.querySelectorAll(".live-trail, .live-dot, .live-label").forEach((n) => n.remove());
      const all = [...trails.values()].flat();
      if (all.length) {
        const xy = project(all);
        for (const r of snapshot.runners) {
          const trail = trails.get(r.id);
          if (!trail || !trail.length) continue;
          const path = document.createElementNS(SVG, "path");
          path.setAttribute("class", "live-trail");
          path.setAttribute("d", trail.map((p, i) => `${i ? "L" : "M"}${xy(p).map((v) => v.toFixed(1)).join(",")}`).join(" "));
          map.append(path);
          if (!r.position) continue;
          const [x, y] = xy(r.position);
          const dot = document.createElementNS(SVG, "circle");
          dot.setAttribute("class", "live-dot");
          dot.setAttribute("cx", x.toFixed(1));
          dot.setAttribute("cy", y.toFixed(1));
          dot.setAttribute("r", "6");
          dot.dataset.runner = String(r.id);
          const name = document.createElementNS(SVG, "text");
          name.setAttribute("class", "live-label");
          name.setAttribute("x", (x + 8).toFixed(1));
          name.setAttribute("y", (y - 8).toFixed(1));
          name.textContent = r.name;
          map.append(dot, name);
        }
      }
      table.replaceChildren();
      for (const r of snapshot.runners) {
        const row = document.createElement("tr");
        row.dataset.runner = String(r.id);
        const cells = [String(r.rank), r.name, String(Math.round(r.distance_m)),
          r.position ? pace(r.pace_s_per_km) : `${pace(r.pace_s_per_km)} (${label("labelHidden")})`,
          // heart rate: only when the runner's app sends it and the runner shares it
          Number.isFinite(r.hr) ? String(Math.round(r.hr)) : "–"];
        for (const text of cells) {
          const td = document.createElement("td");
          td.textContent = text;
          row.append(td);
        }
        table.append(row);
      }
      root.dataset.snapshots = String(Number(root.dataset.snapshots || 0) + 1);
    }

    function connect() {
      if (over) return;
      const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      const socket = new WebSocket(`${scheme}//${window.location.host}${root.dataset.socket}`);
      socket.addEventListener("open", () => {
        attempt = 0;
        document.documentElement.dataset.liveSocket = "open";
      });
      socket.addEventListener("message", (event) => {
        let frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        if (frame.type === "snapshot") draw(frame.data);
        else if (frame.type === "session.ended") {
          over = true;
          status.textContent = label("labelEnded");
        }
      });
      socket.addEventListener("close", (event) => {
        document.documentElement.dataset.liveSocket = "closed";
        if (over || [4401, 4403, 4404, 4410].includes(event.code)) return;
        status.textContent = label("labelOffline");
        window.setTimeout(connect, backoff(attempt++));
      });
    }
    connect();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("live");
    if (root) start(root);
  });
})();
