"""Search: the tokenizer, the backend interface and its embedded and Elasticsearch backends."""
