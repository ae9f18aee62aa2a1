// Drafts: what a person types in a form marked data-draft="<form>:<object>" is
// kept in localStorage (per user, form and object) as they type, so a reload, a
// crash, or a session that ended before the form was sent loses nothing. The
// draft is offered back when the form is shown again, and dropped once the
// server confirms the save: the page after a save lists the saved forms in
// <body data-drafts-saved>, and scripts that save with fetch dispatch
// "dlc:saved" on the form. Logging out deletes the user's drafts from the browser.
(function () {
  "use strict";

  var PREFIX = "dlc-draft:";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var body = document.body;
  var user = body.getAttribute("data-draft-user") || "";
  var store = (function () {
    try {
      var s = window.localStorage;
      s.getItem(PREFIX);
      return s;
    } catch (e) {
      return null; // storage disabled (private mode, policy): forms work as before
    }
  })();
  if (!store) return;

  function keyFor(name) { return PREFIX + user + ":" + name; }

  function read(key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.readOnly) return false;
      if (el.tagName === "TEXTAREA") return true;
      return el.tagName === "INPUT" && (el.type === "text" || el.type === "url");
    });
  }

  function write(form) {
    var values = {};
    var dirty = false;
    draftFields(form).forEach(function (el) {
      values[el.name] = el.value;
      // defaultValue is what the server rendered: only text that differs is a draft.
      if (el.value !== el.defaultValue) dirty = true;
    });
    var key = keyFor(form.getAttribute("data-draft"));
    if (!dirty) {
      store.removeItem(key);
      return;
    }
    try {
      store.setItem(key, JSON.stringify({ values: values, at: Date.now() }));
    } catch (e) {
      // Storage full: nothing more can be done here; the form itself still works.
    }
  }

  function timeLabel(ms) {
    var date = new Date(ms);
    var sameDay = date.toDateString() === new Date().toDateString();
    return sameDay ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : date.toLocaleString();
  }

  function showNotice(form, at) {
    var notice = document.createElement("p");
    notice.className = "draft-notice";
    notice.setAttribute("role", "status");
    notice.textContent = "Your unsaved text from " + timeLabel(at) + " is back in the form below. It is not saved yet. ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      draftFields(form).forEach(function (el) { el.value = el.defaultValue; });
      store.removeItem(keyFor(form.getAttribute("data-draft")));
      notice.remove();
    });
    notice.appendChild(discard);
    form.parentNode.insertBefore(notice, form);
  }

  function restore(form) {
    var key = keyFor(form.getAttribute("data-draft"));
    var draft = read(key);
    if (!draft || !draft.values) return;
    if (!(Date.now() - draft.at < MAX_AGE_MS)) {
      store.removeItem(key);
      return;
    }
    var restored = false;
    draftFields(form).forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(draft.values, el.name) && draft.values[el.name] !== el.value) {
        el.value = draft.values[el.name];
        restored = true;
      }
    });
    if (!restored) {
      store.removeItem(key); // the server already has exactly this text
      return;
    }
    var details = form.closest("details");
    if (details) details.open = true;
    showNotice(form, draft.at);
  }

  function forgetSaved() {
    var saved;
    try { saved = JSON.parse(body.getAttribute("data-drafts-saved") || "[]"); } catch (e) { saved = []; }
    saved.forEach(function (name) { store.removeItem(keyFor(name)); });
  }

  function forgetAll() {
    var mine = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(keyFor("")) === 0) mine.push(key);
    }
    mine.forEach(function (key) { store.removeItem(key); });
  }

  if (!user) return;
  forgetSaved();
  var forms = document.querySelectorAll("form[data-draft]");
  forms.forEach(restore);

  var timers = new WeakMap();
  function onInput(event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-draft")) return;
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () { write(form); }, 300));
  }
  document.addEventListener("input", onInput);
  document.addEventListener("change", onInput);
  // Written at once when sending: if the session has ended, the next page is the sign-in.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-draft")) write(form);
    if (form.hasAttribute("data-draft-logout")) forgetAll();
  }, true);
  window.addEventListener("pagehide", function () { forms.forEach(write); });
  document.addEventListener("dlc:saved", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-draft")) return;
    var values = (event.detail && event.detail.values) || {};
    draftFields(form).forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(values, el.name)) el.defaultValue = values[el.name];
    });
    write(form); // drops the draft unless the person typed on while it was being saved
    var notice = form.parentNode.querySelector(".draft-notice");
    if (notice) notice.remove();
  });
})();
