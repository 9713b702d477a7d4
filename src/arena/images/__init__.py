"""Images people upload and models make: decoded, cleaned and stored by content."""
