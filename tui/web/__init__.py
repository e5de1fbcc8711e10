"""`dondoc serve`: the page a unit opens from the link in its letter (FastAPI + Jinja2)."""
