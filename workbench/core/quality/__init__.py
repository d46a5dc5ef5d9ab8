"""Judging and tuning a restoration without the clean image.

:mod:`.sure` estimates a black-box denoiser's MSE from the noisy image and its noise model
(SURE, Poisson–Gaussian URE); :mod:`.jinv` scores it by Noise2Self's J-invariant loss, for noise
of unknown distribution; :mod:`.estimate` turns a :class:`~workbench.core.pipeline.Result` into an
estimated PSNR; :mod:`.tune` chooses a method's tunable parameters by minimising either.
"""
