"""What each document says: one module a document kind, and the plan that lists them."""
