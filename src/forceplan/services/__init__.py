"""Use cases: one function per thing a user asks for, called alike by the CLI, API and web."""
