"""Modal questions: export, camera RAW development and batch runs."""
