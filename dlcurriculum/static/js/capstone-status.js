// Progressive enhancement for an iteration page whose automatic check or rendering is still
// running: without JavaScript the page tells the reader to reload (and the notebook frame reloads
// itself); with it, the page asks the status endpoint every few seconds and reloads once the
// work is done, unless the reader has started typing in one of its forms.
(function () {
  "use strict";

  var root = document.querySelector("[data-status-url]");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-status-url");
  var waitFor = root.getAttribute("data-waiting-for");
  var delay = 2000;
  var attempts = 0;

  function typing() {
    var fields = document.querySelectorAll("textarea, input[type=text], input[type=number]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value) return true;
    }
    return false;
  }

  function finished(data) {
    return data[waitFor] && data[waitFor] !== "pending";
  }

  function poll() {
    attempts += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (finished(data)) {
          if (typing()) {
            var note = document.getElementById("status-ready");
            if (note) note.hidden = false;
          } else {
            window.location.reload();
          }
          return;
        }
        schedule();
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
