/* A searchable Dash dropdown as a combobox (issue 23 §4): typing on it while it has the focus opens it and
   types into its search. Dash 4 does this itself on each key's keyup, and moves the focus to the search field a
   frame later; a key pressed on the closed dropdown but released after the focus moved ("l" in a quickly typed
   "flytte") reached neither and was lost. Such a key is typed into the search field here. */
(function () {
  var down = {};  // keys pressed while the dropdown's button had the focus, not yet released
  function printable(e) { return e.key && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey; }
  document.addEventListener("keydown", function (e) {
    if (printable(e) && e.target.matches && e.target.matches("button.dash-dropdown")) { down[e.key] = true; }
  }, true);
  document.addEventListener("keyup", function (e) {
    if (!down[e.key]) { return; }
    delete down[e.key];
    var input = e.target;
    if (!(input.matches && input.matches("input.dash-dropdown-search"))) { return; }  // on the button: Dash's own
    var setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(input, input.value + e.key);
    input.dispatchEvent(new Event("input", { bubbles: true }));  // React's onChange: Dash's search_value
  }, true);
})();
