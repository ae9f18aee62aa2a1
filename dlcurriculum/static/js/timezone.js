// Fill every hidden "timezone" field with the browser's IANA time zone (the server keeps UTC without it).
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll('input[type="hidden"][name="timezone"]').forEach(function (input) {
    if (!input.value) input.value = zone;
  });
})();
