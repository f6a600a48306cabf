"""The LLM engine: an OpenAI-compatible model judges, code counts and verifies.

Nothing here is imported on the offline path; `openai` and `jinja2` are imported only
inside the functions that talk to a model or render a prompt.
"""
