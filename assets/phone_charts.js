/* Bar charts on a phone. A horizontal bar chart (the survey's Likert and share charts) spends half of a
   390 px screen on its group names, leaving the bars a sliver. Below 576 px each group's name is drawn
   above its bar instead (as an annotation at the left edge), the axis names are hidden, the margins shrink,
   and the chart's own title is left to the heading above the chart (the view block shows it). The figure
   the server sent is not changed: a wider window draws it as sent. */
(function () {
  var NARROW = 576;
  var MARK = "phone-labels";

  function horizontalCategories(gd) {
    var data = gd.data || [];
    var bars = data.filter(function (t) { return t.type === "bar"; });
    var horizontal = bars.length && bars.every(function (t) { return t.orientation === "h"; });
    var others = data.every(function (t) { return t.type === "bar" || t.type === "scatter"; });  // whiskers
    if (!horizontal || !others) { return null; }
    var axis = gd.layout && gd.layout.yaxis;
    var names = axis && (axis.categoryarray || null);
    return names && names.length ? names : null;
  }

  function adapt(gd) {
    if (!window.Plotly || !gd.layout || window.innerWidth > NARROW) { return; }
    if (gd.layout.meta === MARK) { return; }  // already drawn for the phone
    var names = horizontalCategories(gd);
    if (!names) { return; }
    var notes = (gd.layout.annotations || []).filter(function (a) { return a.name !== MARK; });
    names.forEach(function (name) {
      notes.push({
        name: MARK, text: name, x: 0, xref: "paper", xanchor: "left", y: name, yref: "y", yanchor: "bottom",
        yshift: 9, showarrow: false, align: "left", font: { size: 13, color: "#212529" }
      });
    });
    window.Plotly.relayout(gd, {
      meta: MARK,
      annotations: notes,
      "yaxis.showticklabels": false,
      "yaxis.automargin": false,
      "margin.l": 6, "margin.r": 6, "margin.t": 12,
      "title.text": "",
      bargap: 0.55,
      height: Math.max(gd.layout.height || 0, 90 + names.length * 62)
    });
  }

  function all() {
    if (window.innerWidth > NARROW) { return; }
    document.querySelectorAll("main .js-plotly-plot").forEach(function (gd) {
      if (gd._fullLayout) { adapt(gd); }
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.setTimeout(function () { pending = false; all(); }, 150);
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
})();
