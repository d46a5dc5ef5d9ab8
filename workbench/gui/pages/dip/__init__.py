"""The Deep Image Prior page: a live DIP run with its curves and previews."""
