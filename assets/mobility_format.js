/* Slider tooltips of the mobility page in the page's number format — nb/nn "1 300 000" and "1,38 %",
   en "1,300,000" and "1.38%" — instead of the raw value. Dash calls window.dccFunctions[name](value)
   for a slider whose tooltip has {"transform": name}. */
window.dccFunctions = window.dccFunctions || {};
(function () {
  function english() { return document.documentElement.lang === "en"; }
  function format(value, decimals) {
    return new Intl.NumberFormat(english() ? "en-GB" : "nb-NO",
      { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
  }
  window.dccFunctions.mobilityJobs = function (value) { return format(value, 0); };
  window.dccFunctions.mobilityShare = function (value) {
    return format(value, 2) + (english() ? "%" : "\u00a0%");
  };
})();
