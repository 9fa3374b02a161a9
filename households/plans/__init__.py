"""The assistance plan (一户一策): services, selectors, forms, views, API and demo data."""
