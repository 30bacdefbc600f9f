"""Matches between listings and the organizations interested in them.

The blueprint lives in `views` so that importing the models does not load the pages.
"""
