"""The Compare page: several methods on one input, tiles, swipe and a metrics table."""
