/* Presentation mode (?present=1): keys step through the slides. Right arrow, PageDown (what a
   clicker sends) and space go forward; left arrow and PageUp back; Esc leaves. The keys press the
   on-screen buttons, so keyboard, clicker and mouse do the same thing.
   On a phone, a legend beside the slide's chart (a map's) moves under it, so the chart keeps its width. */
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
  setInterval(function () {
    if (!document.body.classList.contains("presenting") || window.innerWidth > 600 || !window.Plotly) { return; }
    var chart = document.querySelector("#present-slide-chart .js-plotly-plot");
    var legend = chart && chart._fullLayout && chart._fullLayout.showlegend && chart._fullLayout.legend;
    if (legend && legend.orientation === "v" && legend.x >= 1) {
      window.Plotly.relayout(chart, {"legend.orientation": "h", "legend.x": 0, "legend.xanchor": "left",
        "legend.y": -0.02, "legend.yanchor": "top"});
    }
  }, 400);
})();
