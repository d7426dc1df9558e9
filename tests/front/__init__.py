"""The HTTP front cache (Varnish, front/commonmap.vcl) in front of the test gunicorn."""
