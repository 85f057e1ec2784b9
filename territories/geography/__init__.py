"""Geography of Hauts-de-France: `build` writes the committed fixture, `fixture` reads and loads it."""
