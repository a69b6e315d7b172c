"""Bastion: base air defence (C-RAM and counter-drone).

The chain is sense -> track -> assess -> warn -> engage -> respond, recorded end to end.
Inside, everything is SI: metres, seconds, radians, in the local east-north-up (ENU) frame of the site.
"""

__version__ = "0.1.0"
