"""The household dossier (一户一档). Split by topic; everything is re-exported here."""

from households.models.dossier import *
from households.models.imports import *
from households.models.procedure import *
