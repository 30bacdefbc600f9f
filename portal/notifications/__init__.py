"""In-platform notices.

The blueprint lives in `views` so that importing the models does not load the pages.
"""
