"""The window's pages, one sub-package each: Restore (the viewer and its docks), Compare, Deep Image
Prior, Inside the network, Train and Sweep. Each page package's ``page`` module has an
``attach(session, host)`` that builds the page from the session and the host alone."""
