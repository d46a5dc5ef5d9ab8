"""Generic widgets: parameter panels generated from specs, form helpers, the device chooser."""
