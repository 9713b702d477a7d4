"""A battle's life: draw the pair, stream both sides at once, accept one vote, reveal."""
