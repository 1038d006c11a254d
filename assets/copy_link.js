/* "Kopier lenke": the whole button copies the view's address (by mouse, Enter or Space), with the
   chart/table choice: a view shown as a table is linked with ?show=table&chart=<id>, and opening such
   a link shows that view as a table again. The address comes from the server (data-address); the
   status next to the words is announced to screen readers. */
(function () {
  var opened = new URLSearchParams(window.location.search);

  function linkFor(button) {
    var url = new URL(button.getAttribute("data-address"), window.location.href);
    var block = button.closest(".view-block");
    var table = block && block.querySelector(".view-switch input[value='table']");
    url.searchParams.delete("show");
    url.searchParams.delete("chart");
    if (table && table.checked) {
      url.searchParams.set("show", "table");
      url.searchParams.set("chart", button.getAttribute("data-chart"));
    }
    return url.toString();
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyTheOldWay(text); });
    }
    return copyTheOldWay(text);  // plain http: no clipboard API
  }

  function copyTheOldWay(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    document.body.removeChild(area);
    return Promise.resolve();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy-link");
    if (!button) { return; }
    var text = linkFor(button);
    button.setAttribute("data-copied", text);
    var status = button.querySelector(".copy-status");
    copy(text).then(function () {
      if (status) {
        status.textContent = button.getAttribute("data-done");
        window.setTimeout(function () { status.textContent = ""; }, 4000);
      }
    });
  });

  if (opened.get("show") === "table" && opened.get("chart")) {  // a link to a view shown as a table
    var chart = opened.get("chart");
    var observer = new MutationObserver(function () {
      var block = document.getElementById(chart + "-block");
      var input = block && block.querySelector(".view-switch input[value='table']");
      if (input) {
        observer.disconnect();
        if (!input.checked) { input.click(); }
        block.scrollIntoView();
      }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  }
})();
