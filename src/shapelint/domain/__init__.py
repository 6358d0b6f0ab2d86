"""The vocabulary every stage shares: dims, shapes, the model graph, diagnostic codes."""
