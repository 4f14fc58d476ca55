"""Reproducible speed measurements against the plain-pandas way, as ratios in one run."""
