"""``python -m openai_audio.cli``: the same as the ``openai-audio`` console script."""

import sys

from openai_audio.cli import main

sys.exit(main())
