"""The window's frame: the main window that assembles pages and docks, its actions, menus and toolbar,
its status bar and what it remembers between sessions."""
