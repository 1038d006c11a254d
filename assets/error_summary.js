/* Designsystemet's error summary (app/web/kit/forms.py error_summary): when a refused save puts one on the page,
   the focus moves to it, so a screen reader reads the problems and Tab goes through their links; a link takes
   the focus to its field (the href's fragment is the field's id, which holds characters a URL would encode, and
   Dash's router must not see a changed address). */
(function () {
  var seen = new Set();  // each summary has an id of its own (React may reuse the element for the next one)
  function focusNew() {
    document.querySelectorAll(".ds-error-summary[id]").forEach(function (summary) {
      if (seen.has(summary.id)) { return; }
      seen.add(summary.id);
      summary.focus();
      summary.scrollIntoView({ block: "nearest" });
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; focusNew(); });
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["id"] });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".ds-error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var target = field.matches("input, select, textarea, button") ? field : field.querySelector("input, select, textarea, button");
    var label = document.querySelector("label[for='" + CSS.escape(field.id) + "']");
    (label || field).scrollIntoView({ block: "start" });
    (target || field).focus({ preventScroll: true });
  });
})();
