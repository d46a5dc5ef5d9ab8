"""The plug-and-play page: HQS or ADMM with a denoiser prior on the window's problem, live."""
