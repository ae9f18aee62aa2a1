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
    // Server-rendered from our own template: the question how long it took (once done), or the answer.
    var slot = container.querySelector(".time-spent-slot");
    if (slot && typeof data.time_html === "string") {
      var hadTimeFocus = slot.contains(document.activeElement);
      slot.innerHTML = data.time_html;
      if (hadTimeFocus) {
        // The form answered is gone: the focus goes to what replaced it, or to the message.
        var next = slot.querySelector("summary, input, button");
        if (next) next.focus();
      }
    }
    var flag = container.querySelector(".new-flag");
    if (flag) flag.remove();
    // Server-rendered from our own templates: the bar with the "Stage complete" mark (numbers and
    // the curriculum's own titles, escaped by Django), and the Continue button's new target.
    var completion = document.getElementById("stage-completion");
    if (completion && typeof data.completion_html === "string") completion.innerHTML = data.completion_html;
    var resume = document.getElementById("stage-continue");
    if (resume && typeof data.continue_html === "string") {
      var hadFocus = resume.contains(document.activeElement);
      resume.innerHTML = data.continue_html;
      // Continue itself was used: the focus stays on it (now naming the new target).
      var button = resume.querySelector("button");
      if (hadFocus && button) button.focus();
    }
    showMessage(container, data.message, false);
  }

  // The control the learner used (the button pressed with Enter, Space or a click, or the
  // field they were in): focus goes back to it once saved, so a keyboard user stays in place.
  function usedControl(form, submitter) {
    var active = document.activeElement;
    if (active && active !== document.body && form.contains(active)) return active;
    return submitter || form.querySelector("button");
  }

  // POST the form with fetch; resolves with the JSON answer, rejects with SessionEnded or an Error.
  function post(form, body) {
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
    }).then(function (response) {
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
    });
  }

  function showError(container, error) {
    if (error instanceof SessionEnded) {
      showMessage(container, error.message, true, loginLink(error.loginUrl, container));
      return;
    }
    showMessage(container, error.message || "Not saved: the connection failed. Please try again.", true);
  }

  function submit(event) {
    var form = event.target.closest("form[data-progress-form]");
    if (!form || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var container = form.closest("[data-progress-resource]");
    var body = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    // One save at a time. The buttons stay enabled (a disabled button drops the focus to the
    // page), marked busy instead.
    if (form.getAttribute("aria-busy") === "true") return;
    var used = usedControl(form, submitter);
    form.setAttribute("aria-busy", "true");
    post(form, body)
      .then(function (data) {
        applyResult(container, data);
        // drafts.js drops the kept draft now that the server has the note.
        form.dispatchEvent(new CustomEvent("dlc:saved", { bubbles: true, detail: { values: { note: data.note } } }));
      })
      .catch(function (error) { showError(container, error); })
      .finally(function () {
        form.removeAttribute("aria-busy");
        // Back to the used control if the focus was lost, never away from where the learner moved on to.
        var active = document.activeElement;
        if (used && used.isConnected && (!active || active === document.body)) used.focus();
      });
  }

  // "Continue" marks its resource in progress: sent with fetch, so this page shows that too, while
  // the resource opens in a new tab as without JavaScript. The tab is opened at once (in the click,
  // so no popup blocker stops it) and sent on to the resource once the server answers.
  function continueResource(event) {
    var form = event.target.closest("form[data-continue]");
    if (!form || !window.fetch || !window.FormData) return;
    var container = document.querySelector('[data-progress-resource="' + form.getAttribute("data-continue") + '"]');
    if (!container) return;  // its resource is not on this page: the plain form
    event.preventDefault();
    var tab = window.open("", "_blank");
    post(form, new FormData(form))
      .then(function (data) {
        if (tab) {
          tab.opener = null;
          tab.location.href = data.url;
        } else {
          window.location.href = data.url;
        }
        applyResult(container, data);
      })
      .catch(function (error) {
        if (tab) tab.close();
        showError(container, error);
      });
  }

  document.addEventListener("submit", function (event) {
    if (event.target.closest("form[data-continue]")) continueResource(event);
    else submit(event);
  });
})();
