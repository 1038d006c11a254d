"""What every page is built with: its address state, links, components, charts, forms, shared words."""
