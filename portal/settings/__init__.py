"""Settings entry point: ``DJANGO_ENV=production`` selects the production
settings, anything else the development ones."""

import os

if os.environ.get("DJANGO_ENV", "development") == "production":
    from .production import *  # noqa: F403
else:
    from .dev import *  # noqa: F403
