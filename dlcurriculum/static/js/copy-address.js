// A "Copy" button beside a read-only address (the calendar feed's): shown only where the browser can
// copy. Without JavaScript the address stays selectable in its field, and the links beside it work.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentElement.querySelector("[data-copy-status]");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () {
          if (status) status.textContent = "Copied.";
        },
        function () {
          source.select();
          if (status) status.textContent = "Select the address and copy it.";
        }
      );
    });
  });
})();
