"""Query layer: read-only functions over SQL results. Never imports Dash."""
