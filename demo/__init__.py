"""Demo mode: several personas side by side, and a report on their sessions.

Run it with `python -m demo --help`.
"""
