"""Design-based estimation from cell aggregates: pure functions, no SQL, no Dash."""
