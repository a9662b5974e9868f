"""VK: Callback API, Bots Long Poll, and polling walls and search with the method API."""
