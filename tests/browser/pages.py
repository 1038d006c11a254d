"""Each page's address for the page-wide browser checks (phone width, the answer above the fold) and what
shows that it is drawn."""

READY = {
    "/": "#overview-content .key-figure-value",
    "/kommune/4622": "#municipality-survey-figures",
    "/undersoking": "#survey-content .js-plotly-plot",
    "/samanhengar": "#relationships-content .js-plotly-plot",
    "/mobilitet": "#mobility-content .js-plotly-plot",
    "/nasjonalt": "#national-content .js-plotly-plot",
    "/kontorfellesskap": "#coworking-content .js-plotly-plot",
    "/tiltak": "#measures-content table",
    "/intervju": "#interviews-content table",
    "/om": "main table",
}
