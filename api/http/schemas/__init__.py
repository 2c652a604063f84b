"""Request and response schemas of the HTTP API: Create / Update / Public per resource."""
