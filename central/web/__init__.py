"""The central store's web app: the sync API (flask-openapi3) and the admin pages."""
