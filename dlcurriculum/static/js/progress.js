// Progressive enhancement for the progress controls on a stage page: the plain
// forms work without JavaScript (POST, then back to the resource's anchor); with
// it, they are sent with fetch and the page is updated in place, so the scroll
// position is kept.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function showMessage(container, text, isError, link) {
    var box = container.querySelector(".progress-message");
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("error", Boolean(isError));
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      box.appendChild(document.createTextNode(" "));
      box.appendChild(a);
    }
  }

  function SessionEnded(message, loginUrl) {
    this.message = message;
    this.loginUrl = loginUrl;
  }

  // Sign in again, then come back to this resource, where drafts.js restores the note.
  function loginLink(loginUrl, container) {
    var back = window.location.pathname + "#" + (container.closest("[id]") || { id: "" }).id;
    var url = new URL(loginUrl || "/accounts/login/", window.location.href);
    url.searchParams.set("next", back);
    return { href: url.pathname + url.search, text: "Sign in again" };
  }

  function applyResult(container, data) {
    container.querySelectorAll(".status-button").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === data.status ? "true" : "false");
    });
    var textarea = container.querySelector("textarea[name=note]");
    if (textarea && document.activeElement !== textarea) textarea.value = data.note;
    var flag = container.querySelector(".new-flag");
    if (flag) flag.remove();
    var completion = document.getElementById("stage-completion");
    // Server-rendered from our own template (no user content but numbers).
    if (completion && typeof data.completion_html === "string") completion.innerHTML = data.completion_html;
    showMessage(container, data.message, false);
  }

  function submit(event) {
    var form = event.target.closest("form[data-progress-form]");
    if (!form || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var container = form.closest("[data-progress-resource]");
    var body = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
    })
      .then(function (response) {
        if (response.redirected) {
          // Our endpoints answer fetch without redirecting: this is the login page.
          throw new SessionEnded("Your session has ended, so this was not saved. Your note is kept in this browser.");
        }
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("Not saved (error " + response.status + "). Reload the page and try again.");
        }
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status === 401) throw new SessionEnded(data.error, data.login_url);
          if (!response.ok) throw new Error(data.error || "Not saved (error " + response.status + "). Please try again.");
          return data;
        });
      })
      .then(function (data) {
        applyResult(container, data);
        // drafts.js drops the kept draft now that the server has the note.
        form.dispatchEvent(new CustomEvent("dlc:saved", { bubbles: true, detail: { values: { note: data.note } } }));
      })
      .catch(function (error) {
        if (error instanceof SessionEnded) {
          showMessage(container, error.message, true, loginLink(error.loginUrl, container));
          return;
        }
        showMessage(container, error.message || "Not saved: the connection failed. Please try again.", true);
      })
      .finally(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  }

  document.addEventListener("submit", submit);
})();
