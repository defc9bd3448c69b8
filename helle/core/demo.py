"""Demo content: `manage.py seed_demo` creates the accounts, then asks each app for its part.

An app registers a seeder in its AppConfig.ready(); a seeder takes the demo accounts by role
and must be safe to run again (it does nothing when its content is there already). It
returns one line for the summary.
"""

from collections.abc import Callable

Seeder = Callable[[dict], str]
SEEDERS: list[Seeder] = []


def register(seeder: Seeder) -> None:
    if seeder not in SEEDERS:
        SEEDERS.append(seeder)
