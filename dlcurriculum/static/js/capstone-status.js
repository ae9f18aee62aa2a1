// Progressive enhancement for an iteration page whose automatic check or notebook rendering is
// still running. Without JavaScript the page reloads itself now and then (<noscript> refresh);
// with it, the page asks the status endpoint every few seconds: a finished rendering reloads just
// the notebook frame, a finished check reloads the page, unless the reader has started typing in
// one of its forms (then a note says the report is ready).
(function () {
  "use strict";

  var root = document.querySelector("[data-status-url]");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-status-url");
  var report = root.getAttribute("data-report");
  var rendering = root.getAttribute("data-rendering");
  var delay = 2000;
  var attempts = 0;

  function typing() {
    var fields = document.querySelectorAll("textarea, input[type=text], input[type=number]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value) return true;
    }
    return false;
  }

  function reloadFrame() {
    var frame = document.querySelector("iframe.notebook-frame");
    if (frame) frame.src = frame.getAttribute("src");
  }

  function poll() {
    attempts += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (rendering === "pending" && data.rendering !== "pending") {
          rendering = data.rendering;
          reloadFrame();
        }
        if (report === "pending" && data.report !== "pending") {
          report = data.report;
          if (typing()) {
            var note = document.getElementById("status-ready");
            if (note) note.hidden = false;
          } else {
            window.location.reload();
            return;
          }
        }
        if (report === "pending" || rendering === "pending") schedule();
      })
      .catch(schedule);
  }

  function schedule() {
    // Slower the longer it takes: a stuck job must not become a stream of requests.
    if (attempts > 200) return;
    delay = Math.min(delay * 1.2, 15000);
    window.setTimeout(poll, delay);
  }

  window.setTimeout(poll, delay);
})();
