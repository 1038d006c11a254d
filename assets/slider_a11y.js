/* Accessibility fix for Dash 4's dcc.Slider (added with the mobility page): the slider thumb
   (role="slider") and the number box beside it have no accessible name (WCAG 4.1.2). Name both by
   the visible label whose id is "<slider id>-label",. */
(function () {
  function set(el, name, value) {
    if (el && el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }
  function fix() {
    document.querySelectorAll(".dash-slider-container[id]").forEach(function (slider) {
      var label = document.getElementById(slider.id + "-label");
      if (!label) { return; }
      slider.querySelectorAll("[role=slider], input").forEach(function (el) {
        set(el, "aria-labelledby", label.id);
      });
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fix(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
