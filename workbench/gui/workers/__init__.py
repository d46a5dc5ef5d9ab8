"""Background work: the QThread job runner and the full-size RAW development that uses it."""
