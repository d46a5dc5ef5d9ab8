"""Training learned denoisers: patch sources, synthetic noise, and a cancellable, resumable trainer."""
