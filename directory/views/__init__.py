"""Views of the directory, one module per idea: public pages, open data (and submissions, by another module)."""
