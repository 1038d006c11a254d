/* Tables on a phone: each row becomes a card. Every cell of a table in the page's main area is given the
   text of its column heading (data-label); app.css shows it before the cell's value when the screen is
   narrow (max-width 576px), so no table is wider than the screen and nothing is cut off. The table keeps
   its markup (headings, scope) for screen readers. A table marked .keep-table is left as it is. */
(function () {
  function label(table) {
    var heads = table.querySelectorAll("thead tr:last-child th, thead tr:last-child td");
    if (!heads.length) { return; }
    // the first line of a heading (a heading may name its source under a line break)
    var names = Array.prototype.map.call(heads, function (th) { return (th.innerText || th.textContent).trim().split("\n")[0]; });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var name = names[column] || "";
        if (cell.getAttribute("data-label") !== name) { cell.setAttribute("data-label", name); }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("cards-on-phone");
  }
  function all() {
    document.querySelectorAll("main table:not(.keep-table)").forEach(label);
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; all(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
