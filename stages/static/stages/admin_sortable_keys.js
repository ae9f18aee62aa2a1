// Keyboard reordering for the admin's sortable inlines (django-admin-sortable2 handles the mouse):
// each row's handle can be focused; ArrowUp/ArrowDown move the row, Home/End to the first/last place.
(function () {
  "use strict";
  var ROW = "tr.has_original";

  function renumber(tbody) {
    tbody.querySelectorAll(ROW).forEach(function (row, index) {
      var input = row.querySelector("input._reorder_");
      if (input) input.value = String(index + 1);
    });
  }

  // One polite live region for the page: a screen reader says where the row went after each key.
  function liveRegion() {
    var region = document.getElementById("sortable-announcer");
    if (!region) {
      region = document.createElement("div");
      region.id = "sortable-announcer";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      region.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap";
      document.body.appendChild(region);
    }
    return region;
  }

  function announce(row, handle) {
    var rows = Array.prototype.slice.call(row.parentNode.querySelectorAll(ROW));
    var where = "Position " + (rows.indexOf(row) + 1) + " of " + rows.length;
    handle.setAttribute("aria-description", where);
    var title = (handle.firstChild && handle.firstChild.textContent || "").trim();
    liveRegion().textContent = (title ? title + ": " : "") + where.toLowerCase() + " (saved when you save the page)";
  }

  function move(row, key) {
    var tbody = row.parentNode;
    var rows = tbody.querySelectorAll(ROW);
    if (key === "ArrowUp") {
      var previous = row.previousElementSibling;
      while (previous && !previous.matches(ROW)) previous = previous.previousElementSibling;
      if (!previous) return false;
      tbody.insertBefore(row, previous);
    } else if (key === "ArrowDown") {
      var next = row.nextElementSibling;
      while (next && !next.matches(ROW)) next = next.nextElementSibling;
      if (!next) return false;
      tbody.insertBefore(row, next.nextElementSibling);
    } else if (key === "Home") {
      tbody.insertBefore(row, rows[0]);
    } else if (key === "End") {
      rows[rows.length - 1].after(row);
    } else {
      return false;
    }
    renumber(tbody);
    return true;
  }

  window.addEventListener("load", function () {
    document.querySelectorAll("fieldset.sortable " + ROW + " td.original p").forEach(function (handle) {
      var row = handle.closest(ROW);
      handle.tabIndex = 0;
      handle.setAttribute("role", "button");
      handle.setAttribute("aria-label", "Reorder " + handle.textContent.trim() + ": arrow keys move it");
      handle.addEventListener("keydown", function (event) {
        if (move(row, event.key)) {
          event.preventDefault();
          handle.focus();
          announce(row, handle);
        }
      });
    });
  });
})();
