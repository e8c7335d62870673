/* union-network: search, filters and sorting for the registry and maturity tables.
 *
 * Progressive enhancement: the tables are complete HTML without this file. It
 * shows the filter form the page ships hidden, hides rows that do not match,
 * and turns headers marked data-sort="text|number" into sort buttons
 * (aria-sort tells screen readers the order). No server, no other scripts.
 */
(function () {
  "use strict";

  function norm(text) {
    return (text || "").toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " ").trim();
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
  }

  function setupFilter(table, form) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form.querySelector("[data-un-count]");
    var search = form.querySelector("input[type=search]");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var texts = rows.map(function (row) { return norm(row.textContent); });

    function apply() {
      var query = norm(search ? search.value : "");
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = !query || texts[i].indexOf(query) !== -1;
        selects.forEach(function (select) {
          if (ok && select.value && row.getAttribute("data-" + select.name) !== select.value) ok = false;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = "Показано: " + shown + " из " + rows.length;
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.hidden = false;
    apply();
  }

  function setupSort(table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      var type = th.getAttribute("data-sort");
      if (!type) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "un-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index), result;
          if (type === "number") {
            var nx = parseFloat(x), ny = parseFloat(y);
            if (isNaN(nx) && isNaN(ny)) result = 0;
            else if (isNaN(nx)) return 1; /* empty values last in both orders */
            else if (isNaN(ny)) return -1;
            else result = nx - ny;
          } else {
            result = norm(x).localeCompare(norm(y), "ru");
          }
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function init() {
    var tables = document.querySelectorAll("table[data-un-table]");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.getAttribute("data-un-ready")) return;
      table.setAttribute("data-un-ready", "1");
      if (table.tHead && table.tBodies.length) setupSort(table);
      var form = document.querySelector('form[data-un-filter="' + table.id + '"]');
      if (form && table.tBodies.length) setupFilter(table, form);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
