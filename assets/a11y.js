/* Accessibility fix for Dash 4's dcc.Dropdown: its keyboard focus target is an <input>
   marked aria-hidden, so screen readers meet a focusable element with no name (WCAG 4.1.2).
   Expose it as the combobox it acts as, named by the visible label and the current value. */
(function () {
  function set(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }
  function fix() {
    document.querySelectorAll(".dash-dropdown-wrapper > input.dash-dropdown-focus-target").forEach(function (input) {
      var button = input.parentElement.querySelector("button.dash-dropdown");
      if (!button || !button.id) { return; }
      if (input.hasAttribute("aria-hidden")) { input.removeAttribute("aria-hidden"); }
      set(input, "role", "combobox");
      set(input, "aria-haspopup", "listbox");
      set(input, "aria-expanded", button.getAttribute("aria-expanded") || "false");
      var label = document.getElementById(button.id + "-label");
      set(input, "aria-labelledby", (label ? label.id + " " : "") + button.id + "-value");
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fix(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("click", function () { window.setTimeout(fix, 0); }, true);
})();


/* AG Grid tables: one Tab stop per table, not one per row. Rows are reached with the arrow keys once
   the grid has focus (AG Grid's own keyboard navigation); Tab then leaves the grid (the pages set
   tabToNextCell to let the browser move on). */
(function () {
  function fix() {
    document.querySelectorAll(".ag-root-wrapper .ag-row[tabindex='0'], .ag-root-wrapper .ag-header-row[tabindex='0']")
      .forEach(function (row) { row.setAttribute("tabindex", "-1"); });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fix(); });
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["tabindex"] });
})();


/* dcc.Upload's file input has no name of its own: name it by the visible label above the drop area
   (the page gives the label the id "<upload id>-label"). */
(function () {
  function fix() {
    document.querySelectorAll("[id] > .import-upload input[type='file'], .import-upload[id] input[type='file']")
      .forEach(function (input) {
        var holder = input.closest("[id]");
        while (holder && !document.getElementById(holder.id + "-label")) { holder = holder.parentElement && holder.parentElement.closest("[id]"); }
        if (holder && input.getAttribute("aria-labelledby") !== holder.id + "-label") {
          input.setAttribute("aria-labelledby", holder.id + "-label");
        }
      });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fix(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
