"""`reportgen serve`: the report office's web console (Starlette + Jinja2, htmx vendored in static/)."""
