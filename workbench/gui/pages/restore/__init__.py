"""The Restore page's docks: method list and parameters, Degrade, History and the region preview."""
