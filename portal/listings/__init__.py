"""Listings: the green technology and product catalogue and enterprises' technology needs.

`models` (the tables and their enums), `kinds` (technology / product / need and the labelled
vocabularies), `validation` (the one validator behind forms, API and import), `query` (browse
filters), `service` (every state change: create, update, the review workflow, expiry),
`reminders`, `errors`, `forms`, `pages` and `views` (the `catalogue` and `needs` blueprints)
and `commands` (`flask listings ...`). Importing the package loads no pages.
"""
