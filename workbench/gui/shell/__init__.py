"""The window's frame: the main window that assembles the parts, the host it gives the pages, its
actions, menus and toolbar, its page stack, status bar, geometry and what it remembers."""
