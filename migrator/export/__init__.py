"""export: cleaned tables → the import files of cloud CRMs, formula-safe."""
