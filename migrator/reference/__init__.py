"""Reference data shared by the stages: places and company legal forms."""
