"""The web application: pages for coordinators, researchers, office staff, grant offices
and admins, in Russian and English, served by the HTTP service at ``/app``."""

from api.web.app import create_web, install_web

__all__ = ["create_web", "install_web"]
