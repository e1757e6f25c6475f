"""How the desk is called: the HTTP API (Powertools routers) and the `supportflow` CLI."""
