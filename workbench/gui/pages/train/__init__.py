"""The Train page: train a denoiser in the window with live curves."""
