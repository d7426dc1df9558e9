"""MapProxy in front of the raster tiles: configuration template, generator and WSGI app.

Nothing here imports Django at module level, so that ``tiles.mapproxy.wsgi`` runs MapProxy
alone; ``tiles.mapproxy.config`` (used by ``manage.py mapproxy_config``) reads the registry.
"""
