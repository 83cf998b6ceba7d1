"""Load, isolation and fault-injection testing of Session Lab (see load/run.py)."""
