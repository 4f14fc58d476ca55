"""The clean stage: every value in its canonical form, every change recorded."""
