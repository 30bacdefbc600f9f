"""Loading seed data from seed_data/: taxonomies, organizations, demo accounts and listings."""
