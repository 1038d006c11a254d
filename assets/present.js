/* Presentation mode (?present=1): keys step through the slides. Right arrow, PageDown (what a
   clicker sends) and space go forward; left arrow and PageUp back; Esc leaves. The keys press the
   on-screen buttons, so keyboard, clicker and mouse do the same thing. */
(function () {
  var FORWARD = ["ArrowRight", "PageDown", " ", "Spacebar"];
  var BACK = ["ArrowLeft", "PageUp"];
  document.addEventListener("keydown", function (event) {
    if (!document.body.classList.contains("presenting")) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    var id = FORWARD.indexOf(event.key) >= 0 ? "present-next"
      : BACK.indexOf(event.key) >= 0 ? "present-prev"
      : event.key === "Escape" ? "present-exit" : null;
    if (!id) { return; }
    var button = document.getElementById(id);
    event.preventDefault();
    if (button && button.tagName === "A") { button.click(); }
  });
})();
