// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The language switch submits itself when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Sortable tables: header buttons sort the rows by that column (numbers by data-value).
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var heads = table.querySelectorAll("th[data-sort]");
    heads.forEach(function (th, index) {
      var label = th.textContent.trim();
      var button = document.createElement("button");
      button.type = "button"; button.textContent = label;
      th.textContent = ""; th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var column = Array.prototype.indexOf.call(th.parentNode.children, th);
        var numeric = th.getAttribute("data-sort") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var u = x.getAttribute("data-value") || x.textContent.trim();
          var v = y.getAttribute("data-value") || y.textContent.trim();
          var order = numeric ? (parseFloat(u) || 0) - (parseFloat(v) || 0) : u.localeCompare(v);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  // A page that shows running work reloads itself until the work ends.
  var refresh = document.querySelector("[data-refresh-seconds]");
  if (refresh) {
    var seconds = parseFloat(refresh.getAttribute("data-refresh-seconds")) || 2;
    setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
