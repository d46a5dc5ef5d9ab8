"""The shape every live run's page shares (DIP, training, plug-and-play): the run buttons, the
curves, two previews and a status line, over a core stepper run in the page's worker."""
