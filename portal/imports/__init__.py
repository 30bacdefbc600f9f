"""Bulk import of catalogue items and needs from CSV and Excel files."""
