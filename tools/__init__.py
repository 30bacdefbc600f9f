"""Developer tools kept with the repository; the application never imports them."""
