(function () {
  "use strict";
  var table = document.getElementById("flags");
  if (!table || !table.tHead || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function sortKey(row, col, numeric) {
    var cell = row.cells[col];
    if (!cell) { return null; }
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    raw = raw.trim();
    if (raw === "") { return null; }
    if (numeric) {
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;
    }
    return raw.toLowerCase();
  }
  function compare(a, b) {
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  /* A flag's expanded details take a row of their own, spanning the table. */
  function detailOf(row) {
    var next = row.nextElementSibling;
    return next && next.classList.contains("detail") ? next : null;
  }
  function flagRows() {
    return Array.prototype.filter.call(body.rows, function (row) {
      return !row.classList.contains("detail");
    });
  }
  function showDetails(details, row, more) {
    var detail = detailOf(row);
    if (details.open && !detail) {
      detail = document.createElement("tr");
      detail.className = "detail";
      var cell = document.createElement("td");
      cell.colSpan = heads.length;
      cell.appendChild(more);
      detail.appendChild(cell);
      row.parentNode.insertBefore(detail, row.nextSibling);
    } else if (!details.open && detail) {
      details.appendChild(more);
      detail.parentNode.removeChild(detail);
    }
  }
  /* `report.html#KEY` opens that flag's details. */
  var wanted = decodeURIComponent(location.hash.replace(/^#/, ""));
  Array.prototype.forEach.call(body.querySelectorAll("td.key details"), function (details) {
    var row = details.closest("tr");
    var more = details.querySelector(".more");
    if (!row || !more) { return; }
    details.addEventListener("toggle", function () { showDetails(details, row, more); });
    if (wanted && details.parentNode.getAttribute("data-sort") === wanted) {
      details.open = true;
      showDetails(details, row, more);
      row.scrollIntoView();
    }
  });
  function sortBy(th) {
    var col = heads.indexOf(th);
    var numeric = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var rows = flagRows().map(function (row, i) {
      return { row: row, detail: detailOf(row), i: i, key: sortKey(row, col, numeric) };
    });
    rows.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) { return a.i - b.i; }
        return a.key === null ? 1 : -1;
      }
      return dir * compare(a.key, b.key) || a.i - b.i;
    });
    rows.forEach(function (r) {
      body.appendChild(r.row);
      if (r.detail) { body.appendChild(r.detail); }
    });
    heads.forEach(function (h) {
      if (h.hasAttribute("data-type")) { h.setAttribute("aria-sort", "none"); }
    });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
  }
  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  if (filter) {
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var visible = 0;
      var rows = flagRows();
      rows.forEach(function (row) {
        var detail = detailOf(row);
        var text = (row.textContent + (detail ? detail.textContent : "")).toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !match;
        if (detail) { detail.hidden = !match; }
        if (match) { visible += 1; }
      });
      shown.textContent = words.length ? visible + " of " + rows.length + " shown" : "";
    });
  }
  heads.forEach(function (th) {
    if (!th.hasAttribute("data-type")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th); });
  });
}());
