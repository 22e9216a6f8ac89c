// Import page: drag and drop, and one request per file with its own progress bar, to the
// uploads API. Without this script the page is a plain multi-file form.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("upload-form");
    if (!form || !window.XMLHttpRequest || !window.FormData) return;
    var input = document.getElementById("upload-files");
    var list = document.getElementById("upload-progress");
    var zone = form.querySelector(".dropzone");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

    function send(file) {
      return new Promise(function (resolve) {
        var item = document.createElement("li");
        var bar = document.createElement("progress");
        var label = document.createElement("span");
        bar.max = 100;
        bar.value = 0;
        label.textContent = file.name + " ";
        item.appendChild(label);
        item.appendChild(bar);
        list.appendChild(item);
        var data = new FormData();
        data.append("file", file);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.dataset.api);
        xhr.setRequestHeader("X-CSRFToken", token);
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
        });
        xhr.addEventListener("load", function () {
          var ok = xhr.status === 202;
          var message = ok ? form.dataset.done : form.dataset.failed;
          try {
            var body = JSON.parse(xhr.responseText);
            if (!ok && body.message) message += ": " + body.message;
          } catch (err) { /* not JSON: keep the generic message */ }
          bar.value = 100;
          label.textContent = file.name + " — " + message;
          item.className = ok ? "ok" : "error";
          resolve();
        });
        xhr.addEventListener("error", function () {
          label.textContent = file.name + " — " + form.dataset.failed;
          item.className = "error";
          resolve();
        });
        xhr.send(data);
      });
    }

    function sendAll(files) {
      var queue = Array.prototype.slice.call(files);
      var next = function () {
        if (!queue.length) {
          window.setTimeout(function () { window.location.reload(); }, 800);
          return;
        }
        send(queue.shift()).then(next);
      };
      next();
    }

    form.addEventListener("submit", function (e) {
      if (!input.files.length) return;
      e.preventDefault();
      sendAll(input.files);
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) {
        e.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) sendAll(e.dataTransfer.files);
    });
  });
})();
