// The pace form shows only the field of the chosen mode: hours per week, or the date to finish by.
// Without JavaScript both stay, each with its help text saying when it counts (the server ignores the other).
(function () {
  "use strict";
  document.querySelectorAll("form[data-pace-form]").forEach(function (form) {
    var fields = {
      hours: form.querySelector('[name="hours_per_week"]'),
      target: form.querySelector('[name="target_date"]'),
    };
    var radios = form.querySelectorAll('input[type="radio"][name="mode"]');
    if (!fields.hours || !fields.target || !radios.length) return;
    function wrapper(input) {
      // Django's as_div: one <div> per field, directly in the form.
      var node = input;
      while (node.parentElement && node.parentElement !== form) node = node.parentElement;
      return node;
    }
    function show() {
      var checked = form.querySelector('input[type="radio"][name="mode"]:checked');
      var mode = checked ? checked.value : "hours";
      Object.keys(fields).forEach(function (key) {
        var hidden = key !== mode;
        wrapper(fields[key]).hidden = hidden;
        fields[key].disabled = hidden; // not sent, not validated by the browser while hidden
      });
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", show);
    });
    show();
  });
})();
