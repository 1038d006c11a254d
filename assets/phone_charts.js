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

  /* Small multiples (Samanhengar: one panel per statement, side by side) are stacked on a phone: each panel
     gets the full width, its statement as a heading above it and its groups' names above their bars. */
  function panels(gd) {
    var axes = [];
    for (var i = 1; gd.layout["xaxis" + (i === 1 ? "" : i)]; i++) { axes.push(i === 1 ? "" : String(i)); }
    var data = gd.data || [];
    var bars = data.every(function (t) { return t.type === "bar" && t.orientation === "h"; });
    return axes.length > 1 && bars && data.length === axes.length ? axes : null;
  }

  function stack(gd, axes) {
    var names = (gd.data[0].y || []).slice();
    var TOP = 12, BOTTOM = 34, HEADING = 44, ROW = 54, TICKS = 40;
    var panel = HEADING + names.length * ROW + TICKS;
    var height = TOP + BOTTOM + axes.length * panel;
    var inner = height - TOP - BOTTOM;
    var titles = (gd.layout.annotations || []).filter(function (a) { return a.xref === "paper" && a.yref === "paper"; });
    var notes = (gd.layout.annotations || []).filter(function (a) {
      return a.name !== MARK && !(a.xref === "paper" && a.yref === "paper");  // the panels' headings are redrawn
    });
    var update = {
      meta: MARK, bargap: 0.55, "margin.l": 6, "margin.r": 12, "margin.t": TOP, "margin.b": BOTTOM, "title.text": ""
    };
    axes.forEach(function (suffix, i) {
      var offset = i * panel;
      var top = 1 - (offset + HEADING) / inner;
      var bottom = 1 - (offset + HEADING + names.length * ROW) / inner;
      update["xaxis" + suffix + ".domain"] = [0, 1];
      update["yaxis" + suffix + ".domain"] = [bottom, top];
      update["yaxis" + suffix + ".showticklabels"] = false;
      update["yaxis" + suffix + ".range"] = [names.length - 0.5, -0.5];  // the first group on top, as on a wide screen
      if (titles[i]) {
        notes.push({
          name: MARK, text: titles[i].text, x: 0, xref: "paper", xanchor: "left", y: 1 - offset / inner, yref: "paper",
          yanchor: "top", showarrow: false, align: "left", font: { size: 14, color: "#212529" }
        });
      }
      names.forEach(function (name) {
        notes.push({
          name: MARK, text: name, x: 0, xref: "paper", xanchor: "left", y: name, yref: "y" + suffix,
          yanchor: "bottom", yshift: 9, showarrow: false, align: "left", font: { size: 13, color: "#212529" }
        });
      });
    });
    update.annotations = notes;
    // taller: Dash's graph sizes the plot to its box (a height in the layout alone is undone), so the box grows
    gd.parentElement.style.height = height + "px";
    update.autosize = true;
    window.Plotly.relayout(gd, update);
  }

  function adapt(gd) {
    if (!window.Plotly || !gd.layout || window.innerWidth > NARROW) { return; }
    if (gd.layout.meta === MARK) { return; }  // already drawn for the phone
    var stacked = panels(gd);
    if (stacked) { stack(gd, stacked); return; }
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
