"""The interfaces of grantmatch, each a thin layer over :mod:`matcher`: the command line
(:mod:`api.cli`) and the HTTP service (:mod:`api.http`)."""
