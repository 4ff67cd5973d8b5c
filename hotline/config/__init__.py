"""Every configuration file of a site, read through one strict layer and checked together.

    site, issues = load_site(config_dir)        # never raises; site is None on any error
    issues = cross_check(hotline, hours, hours_source, roster, roster_source, routing)   # pure

The files load_site reads: hotline.yaml (menus, dialects, business lines, the routing policy),
hours.yaml and calendar/*.yaml, agents.yaml, callbacks.yaml. Each is refused on its own terms
(ivr.menu.loader.parse_model); the cross-file rules say that every name one file uses is
defined in hotline.yaml. (sip.yaml, recording.yaml and cluster.yaml are read by their own
features through the same reader.)
"""
from hotline.config.crosscheck import cross_check
from hotline.config.site import SiteConfig, load_site

__all__ = ["SiteConfig", "cross_check", "load_site"]
