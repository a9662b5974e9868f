"""Odnoklassniki: the signed REST API (fb.do) for the municipality's groups."""
