"""One module per page; each calls ``dash.register_page`` and owns its component ids."""
