/* Plotly's own texts (the chart toolbar's tooltips, date and number formats) in bokmål and nynorsk.
 * Dash loads plotly.js after the assets, so the locales wait in window.PlotlyLocales, which plotly.js
 * registers when it starts (the same convention as plotly.js's own locale files). Charts choose one
 * with config.locale ("nb", "nn"; English is plotly's default). */
(function () {
  var months = {
    nb: ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
         "november", "desember"],
    nn: ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
         "november", "desember"]
  };
  var short = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"];
  var dictionaries = {
    nb: {
      "Autoscale": "Autoskaler",
      "Box Select": "Velg rektangel",
      "Click to enter Colorscale title": "Klikk for å skrive inn tittel på fargeskala",
      "Click to enter Component A title": "Klikk for å skrive inn tittel på komponent A",
      "Click to enter Component B title": "Klikk for å skrive inn tittel på komponent B",
      "Click to enter Component C title": "Klikk for å skrive inn tittel på komponent C",
      "Click to enter Plot title": "Klikk for å skrive inn tittel på diagrammet",
      "Click to enter X axis title": "Klikk for å skrive inn tittel på x-aksen",
      "Click to enter Y axis title": "Klikk for å skrive inn tittel på y-aksen",
      "Compare data on hover": "Sammenlign data når du holder over",
      "Double-click on legend to isolate one trace": "Dobbeltklikk på forklaringen for å vise bare én serie",
      "Double-click to zoom back out": "Dobbeltklikk for å zoome ut igjen",
      "Download plot": "Last ned diagrammet",
      "Download plot as a png": "Last ned diagrammet som PNG",
      "Edit in Chart Studio": "Rediger i Chart Studio",
      "IE only supports svg.  Changing format to svg.": "IE støtter bare SVG. Bytter format til SVG.",
      "Lasso Select": "Velg med lasso",
      "Orbital rotation": "Roter rundt",
      "Pan": "Panorer",
      "Produced with Plotly.js": "Laget med Plotly.js",
      "Reset": "Tilbakestill",
      "Reset axes": "Tilbakestill aksene",
      "Reset camera to default": "Tilbakestill kameraet",
      "Reset camera to last save": "Tilbakestill kameraet til sist lagret",
      "Reset view": "Tilbakestill visningen",
      "Reset views": "Tilbakestill visningene",
      "Show closest data on hover": "Vis nærmeste verdi når du holder over",
      "Snapshot succeeded": "Bildet er laget",
      "Sorry, there was a problem downloading your snapshot!": "Beklager, bildet kunne ikke lastes ned.",
      "Taking snapshot - this may take a few seconds": "Lager bilde – det kan ta noen sekunder",
      "Toggle Spike Lines": "Slå hjelpelinjer av eller på",
      "Toggle show closest data on hover": "Slå visning av nærmeste verdi av eller på",
      "Turntable rotation": "Dreieskive",
      "Zoom": "Zoom",
      "Zoom in": "Zoom inn",
      "Zoom out": "Zoom ut",
      "close:": "slutt:",
      "high:": "høy:",
      "low:": "lav:",
      "max:": "maks:",
      "median:": "median:",
      "min:": "min:",
      "new text": "ny tekst",
      "open:": "start:",
      "trace": "serie"
    },
    nn: {
      "Autoscale": "Autoskaler",
      "Box Select": "Vel rektangel",
      "Click to enter Colorscale title": "Klikk for å skrive inn tittel på fargeskala",
      "Click to enter Component A title": "Klikk for å skrive inn tittel på komponent A",
      "Click to enter Component B title": "Klikk for å skrive inn tittel på komponent B",
      "Click to enter Component C title": "Klikk for å skrive inn tittel på komponent C",
      "Click to enter Plot title": "Klikk for å skrive inn tittel på diagrammet",
      "Click to enter X axis title": "Klikk for å skrive inn tittel på x-aksen",
      "Click to enter Y axis title": "Klikk for å skrive inn tittel på y-aksen",
      "Compare data on hover": "Samanlikn data når du held over",
      "Double-click on legend to isolate one trace": "Dobbeltklikk på forklaringa for å vise berre éin serie",
      "Double-click to zoom back out": "Dobbeltklikk for å zoome ut att",
      "Download plot": "Last ned diagrammet",
      "Download plot as a png": "Last ned diagrammet som PNG",
      "Edit in Chart Studio": "Rediger i Chart Studio",
      "IE only supports svg.  Changing format to svg.": "IE støttar berre SVG. Byter format til SVG.",
      "Lasso Select": "Vel med lasso",
      "Orbital rotation": "Roter rundt",
      "Pan": "Panorer",
      "Produced with Plotly.js": "Laga med Plotly.js",
      "Reset": "Tilbakestill",
      "Reset axes": "Tilbakestill aksane",
      "Reset camera to default": "Tilbakestill kameraet",
      "Reset camera to last save": "Tilbakestill kameraet til sist lagra",
      "Reset view": "Tilbakestill visinga",
      "Reset views": "Tilbakestill visingane",
      "Show closest data on hover": "Vis næraste verdi når du held over",
      "Snapshot succeeded": "Biletet er laga",
      "Sorry, there was a problem downloading your snapshot!": "Orsak, biletet kunne ikkje lastast ned.",
      "Taking snapshot - this may take a few seconds": "Lagar bilete – det kan ta nokre sekund",
      "Toggle Spike Lines": "Slå hjelpelinjer av eller på",
      "Toggle show closest data on hover": "Slå vising av næraste verdi av eller på",
      "Turntable rotation": "Dreieskive",
      "Zoom": "Zoom",
      "Zoom in": "Zoom inn",
      "Zoom out": "Zoom ut",
      "close:": "slutt:",
      "high:": "høg:",
      "low:": "låg:",
      "max:": "maks:",
      "median:": "median:",
      "min:": "min:",
      "new text": "ny tekst",
      "open:": "start:",
      "trace": "serie"
    }
  };
  ["nb", "nn"].forEach(function (name) {
    var locale = {
      moduleType: "locale",
      name: name,
      dictionary: dictionaries[name],
      format: {
        days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
        shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
        months: months[name],
        shortMonths: short,
        date: "%d.%m.%Y",
        decimal: ",",
        thousands: "\u00a0"
      }
    };
    if (name === "nn") {
      locale.format.days = ["sundag", "måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag"];
      locale.format.shortDays = ["sun", "mån", "tys", "ons", "tor", "fre", "lau"];
    }
    if (typeof window.Plotly === "undefined") {
      window.PlotlyLocales = window.PlotlyLocales || [];
      window.PlotlyLocales.push(locale);
    } else {
      window.Plotly.register(locale);
    }
  });
})();
