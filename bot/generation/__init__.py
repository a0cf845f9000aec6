"""Optional language models: the ``Generator`` protocol, prompts, grounding checks, backends."""
