"""The green technology and product catalogue: models, pages.

The blueprint lives in `views` so that importing the models does not load the pages.
"""
