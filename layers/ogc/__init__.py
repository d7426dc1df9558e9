"""OGC API - Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS) at /ogc/.

A thin edge over the layer registry (``layers.registry``) and the feature SQL
(``layers.features``): every layer a user may see is a collection, its features are the
items, streamed as GeoJSON made by PostGIS. ``documents`` builds the JSON resources,
``openapi`` the API definition (its parameters in ``openapi_parameters``, its schemas in
``openapi_schemas``), ``views`` negotiates JSON or HTML and answers.
"""
