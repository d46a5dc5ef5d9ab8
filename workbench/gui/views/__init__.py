"""Views of images and numbers: the image viewer, histogram, picture labels, plot axes and captions."""
