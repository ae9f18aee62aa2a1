// "Update preview" beside each Markdown field in the admin: render the text being typed, as learners see it.
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".markdown-preview-button");
    if (!button) return;
    var source = document.getElementById(button.dataset.source);
    var target = document.getElementById(button.dataset.source + "_preview");
    if (!source || !target) return;
    button.disabled = true;
    var body = new URLSearchParams({ text: source.value });
    fetch(button.dataset.previewUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.text().then(function (text) {
          if (!response.ok) throw new Error(text || response.statusText);
          return text;
        });
      })
      .then(function (html) {
        // The server sanitised it with the site's own renderer (nh3).
        target.innerHTML = html;
      })
      .catch(function (error) {
        target.textContent = "The preview could not be made: " + error.message;
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
