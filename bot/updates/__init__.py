"""Taking updates: exactly once through a lease, the polling inbox, conversation storage,
middlewares and retries."""
