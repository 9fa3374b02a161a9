"""The household dossier (一户一档). Split by topic; everything is re-exported here."""

from households.models.dossier import *  # noqa: F401,F403
from households.models.jobs import *  # noqa: F401,F403
from households.models.plans import *  # noqa: F401,F403
from households.models.procedure import *  # noqa: F401,F403
from households.models.review import *  # noqa: F401,F403
