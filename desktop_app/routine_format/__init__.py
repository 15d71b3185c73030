"""The routine file format (YAML, format 1): its spec, the reader with located errors, the loader.

``desktop_app.routines`` is the public face of this package; import from there.
"""
